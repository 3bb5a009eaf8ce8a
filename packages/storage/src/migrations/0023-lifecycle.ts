import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Lifecycle. Each account's MRR over time: a row per change of its `mrr` trait at the time the
 * change carried (the message's timestamp) and the message's id (which settles two at one instant), written in the transaction that applies the trait, so
 * `mrr_change_90d` reads the MRR of 90 days ago exactly. A row holds NULL when `mrr` was set to
 * something that is not a number. The index by time is the time sweep's: a change leaving the
 * 90-day window changes the field with no new data.
 *
 * Accounts that already have an `mrr` start their history with it, at the time it was set.
 *
 * The workspace's lifecycle stage rules (`GET|PUT /settings/lifecycle`), in the order they are
 * tried; NULL while the workspace keeps the defaults. The churn model's label segment: when set,
 * an account churned when it first entered that segment (its membership history), not by traits.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE account_mrr_history (
      workspace_id uuid NOT NULL,
      account_id uuid NOT NULL,
      at timestamptz NOT NULL,
      message_id text NOT NULL,
      mrr double precision,
      PRIMARY KEY (workspace_id, account_id, at),
      FOREIGN KEY (workspace_id, account_id) REFERENCES accounts ON DELETE CASCADE
    )
  `.execute(db);
  await sql`CREATE INDEX account_mrr_history_by_time ON account_mrr_history (workspace_id, at)`.execute(db);
  await sql`
    INSERT INTO account_mrr_history (workspace_id, account_id, at, message_id, mrr)
    SELECT workspace_id, account_id, coalesce((trait_times -> 'mrr' ->> 0)::timestamptz, created_at),
      coalesce(trait_times -> 'mrr' ->> 1, ''), strata_number(traits -> 'mrr')
    FROM accounts WHERE traits ? 'mrr'
  `.execute(db);
  await sql`ALTER TABLE workspaces ADD COLUMN lifecycle_stages jsonb`.execute(db);
  await sql`ALTER TABLE churn_models ADD COLUMN label_segment text`.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE churn_models DROP COLUMN label_segment`.execute(db);
  await sql`ALTER TABLE workspaces DROP COLUMN lifecycle_stages`.execute(db);
  await sql`DROP TABLE account_mrr_history`.execute(db);
}
