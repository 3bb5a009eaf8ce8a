import { sql, type Kysely } from 'kysely';

/** The oldest PostgreSQL Strata supports, as its contract promises. */
export const minimumServerVersion = 150000;

/** Refuses a server older than PostgreSQL 15 with a message that names the version found. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema will do
export async function assertSupportedServer(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ version: number; text: string }>`
    SELECT current_setting('server_version_num')::int AS version, current_setting('server_version') AS text`.execute(db);
  const found = rows[0];
  if (!found || found.version < minimumServerVersion) {
    throw new Error(`Strata needs PostgreSQL 15 or newer; DATABASE_URL points at PostgreSQL ${found?.text ?? 'of unknown version'}`);
  }
}
