import { sql, type Kysely } from 'kysely';

/**
 * Tables that hold a `workspace_id` but are read before a workspace is known, so they have no
 * row-level security: the tenants themselves, API keys (found by the hash of the secret),
 * integrations (found by a provider webhook's URL token), and Strata's own users' credentials:
 * sessions, invitations and setup tokens (found by the hash of their token) and memberships
 * (listed by user at sign-in, to choose the workspace). Each is looked up by a secret or listed
 * across workspaces by code that then works in each workspace's scope; none holds customer data.
 */
export const globalWorkspaceTables: readonly string[] = [
  'workspaces',
  'api_keys',
  'integrations',
  'workspace_members',
  'user_sessions',
  'user_invitations',
  'setup_tokens',
];

/** The one policy each workspace table has; `nullif` makes an unset (or reset, '') setting match nothing. */
export const workspacePolicyName = 'workspace_isolation';
export const workspaceMatchSql = `workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid`;

/**
 * Enables and FORCEs row-level security, with the workspace policy, on every table of schema
 * `public` that has a `workspace_id` column, except the global tables: partitions included
 * (a query naming a partition would otherwise skip its parent's policy). Idempotent.
 *
 * Every migration that adds a table with `workspace_id` calls it at its end (the catalog test
 * in `storage/test/row-level-security.test.ts` fails otherwise); a new global table is added
 * to `globalWorkspaceTables` with the reason, not left out silently.
 */
export async function enableWorkspaceRowLevelSecurity(db: Kysely<unknown>): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL(${[...globalWorkspaceTables]}::text[])
    ORDER BY 1`.execute(db);
  for (const { name } of tables.rows) {
    const table = sql.id(name);
    await sql`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`.execute(db);
    await sql`DROP POLICY IF EXISTS ${sql.id(workspacePolicyName)} ON ${table}`.execute(db);
    await sql`CREATE POLICY ${sql.id(workspacePolicyName)} ON ${table}
      USING (${sql.raw(workspaceMatchSql)}) WITH CHECK (${sql.raw(workspaceMatchSql)})`.execute(db);
  }
  return tables.rows.map((t) => t.name);
}
