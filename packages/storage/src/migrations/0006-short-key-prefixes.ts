import { sql, type Kysely } from 'kysely';

/**
 * Stored key prefixes keep the type marker and 4 characters of the secret after it (they kept
 * 12 characters: half of a 24-character bootstrap key). Same rule as `apiKeyPrefix`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE api_keys SET prefix = left(prefix, CASE
      WHEN starts_with(prefix, 'sk_admin_') THEN 13
      WHEN starts_with(prefix, 'sk_read_') THEN 12
      WHEN starts_with(prefix, 'wk_') THEN 7
      ELSE 4
    END)`.execute(db);
}
