import { sql, type Kysely } from 'kysely';

/**
 * ANALYZE for the runtime role. Only a table's owner may analyze it, and PostgreSQL answers
 * anyone else with a warning, not an error: a bulk load by the runtime role (sample data, the
 * demo workspace, the benchmark) then left the planner without statistics, and the live
 * engine's scoped rule queries fell back to parallel scans. The function runs as the owner
 * (SECURITY DEFINER) and analyzes only existing tables of schema `public`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION strata_analyze(tables text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      t text;
    BEGIN
      FOREACH t IN ARRAY tables LOOP
        IF to_regclass(format('public.%I', t)) IS NULL THEN
          RAISE EXCEPTION 'no table % to analyze', t;
        END IF;
        EXECUTE format('ANALYZE public.%I', t);
      END LOOP;
    END $$`.execute(db);
  await sql`REVOKE ALL ON FUNCTION strata_analyze(text[]) FROM PUBLIC`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION strata_analyze(text[])`.execute(db);
}
