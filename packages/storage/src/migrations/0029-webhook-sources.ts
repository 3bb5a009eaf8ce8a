import { sql, type Kysely } from 'kysely';

/**
 * Sources that post webhooks. Chargebee customers map to accounts through the
 * `chargebee_customer_id` trait, found by this partial index as Stripe's are by theirs. A help desk
 * connected by webhook keeps its field mapping and how it authenticates in `config` (plain data,
 * never a secret: secrets stay in `secret_ciphertext`). `integrations` is a global table (found by
 * URL token before a workspace is known), so no row-level policy applies to it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX accounts_chargebee_customer ON accounts (workspace_id, (traits ->> 'chargebee_customer_id'))
      WHERE traits ? 'chargebee_customer_id';
    ALTER TABLE integrations ADD COLUMN config jsonb
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX accounts_chargebee_customer;
    ALTER TABLE integrations DROP COLUMN config
  `.execute(db);
}
