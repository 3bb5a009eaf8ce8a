import { sql, type Kysely } from 'kysely';

/**
 * Prefix search for the header's customer search (GET /api/v1/customers/search): a person by
 * userId, email or name, an account by groupId, name or domain, case-insensitively.
 *
 * Without an index each search scanned every person of the workspace (60–110 ms at size s,
 * 100,000 people, linear in people). An expression index on `lower(traits ->> 'email')` does not
 * help: row-level security lets the planner use a condition in an index scan only when every
 * function in it is leakproof, and `lower` and `->>` are not. So the lowercased keys are stored
 * generated columns, searched with `starts_with(column, q)`, which is leakproof and which the
 * planner turns into a range scan of a `text_pattern_ops` B-tree. Adding the columns rewrites
 * both tables once.
 */
const columns = [
  ['people', 'search_user_id', 'lower(user_id)'],
  ['people', 'search_email', "lower(traits ->> 'email')"],
  ['people', 'search_name', "lower(traits ->> 'name')"],
  ['accounts', 'search_group_id', 'lower(group_id)'],
  ['accounts', 'search_name', "lower(traits ->> 'name')"],
  ['accounts', 'search_domain', "lower(traits ->> 'domain')"],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['people', 'accounts'] as const) {
    const mine = columns.filter(([t]) => t === table);
    await sql
      .raw(
        `ALTER TABLE ${table} ${mine.map(([, column, expression]) => `ADD COLUMN ${column} text GENERATED ALWAYS AS (${expression}) STORED`).join(', ')}`,
      )
      .execute(db);
    for (const [, column] of mine)
      await sql.raw(`CREATE INDEX ${table}_${column} ON ${table} (workspace_id, ${column} text_pattern_ops)`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of columns) await sql.raw(`ALTER TABLE ${table} DROP COLUMN ${column}`).execute(db);
}
