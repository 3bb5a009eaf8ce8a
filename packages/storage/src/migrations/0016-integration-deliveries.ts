import { sql, type Kysely } from 'kysely';

/**
 * What a user needs to see whether a provider reaches Strata: when its last delivery came, how
 * many were accepted and refused, and the last refusal (when, and why: a signature mismatch, a
 * body that is not JSON, an invalid field). Never the payload or a secret. Counters are bumped
 * by `UPDATE … SET n = n + 1`, so concurrent deliveries never lose one. `integrations` is a global
 * table (found by URL token before a workspace is known), so no row-level policy applies here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE integrations
      ADD COLUMN last_delivery_at timestamptz,
      ADD COLUMN deliveries_accepted bigint NOT NULL DEFAULT 0,
      ADD COLUMN deliveries_refused bigint NOT NULL DEFAULT 0,
      ADD COLUMN last_error_at timestamptz,
      ADD COLUMN last_error text CHECK (char_length(last_error) <= 200)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE integrations
      DROP COLUMN last_delivery_at, DROP COLUMN deliveries_accepted, DROP COLUMN deliveries_refused,
      DROP COLUMN last_error_at, DROP COLUMN last_error
  `.execute(db);
}
