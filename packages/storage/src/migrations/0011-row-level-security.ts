import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity, workspaceMatchSql, workspacePolicyName } from '../row-level-security.js';

/**
 * Row-level security on every workspace table (see `row-level-security.ts`), and the one
 * function the runtime role needs to change the schema: a month's partition of `events`.
 * Creating a partition takes ownership of `events`, which the runtime role must not have; the
 * function runs as the owner (SECURITY DEFINER), creates only `events_YYYY_MM` for a well-formed
 * month, and gives it the workspace policy too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await enableWorkspaceRowLevelSecurity(db);
  // The policy's text inside the function's quoted format string.
  const policy = sql.raw(workspaceMatchSql.replaceAll("'", "''"));
  await sql`
    CREATE FUNCTION strata_create_event_partition(month text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      name text := 'events_' || replace(month, '-', '_');
      starts timestamptz;
    BEGIN
      IF month !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
        RAISE EXCEPTION 'month % is not YYYY-MM', month;
      END IF;
      IF to_regclass(name) IS NOT NULL THEN RETURN; END IF;
      starts := (month || '-01 00:00:00+00')::timestamptz;
      EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', name, starts, starts + interval '1 month');
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', name);
      EXECUTE format('CREATE POLICY ${sql.raw(workspacePolicyName)} ON %I USING (${policy}) WITH CHECK (${policy})', name);
    END $$`.execute(db);
  await sql`REVOKE ALL ON FUNCTION strata_create_event_partition(text) FROM PUBLIC`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION strata_create_event_partition(text)`.execute(db);
  const tables = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.polname = ${workspacePolicyName}`.execute(db);
  for (const { name } of tables.rows) {
    await sql`DROP POLICY ${sql.id(workspacePolicyName)} ON ${sql.id(name)}`.execute(db);
    await sql`ALTER TABLE ${sql.id(name)} NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY`.execute(db);
  }
}
