import { sql, type Kysely } from 'kysely';

/**
 * Failing segment work backs off and then parks, so one tenant's poison work never holds the
 * queue: queued items count their attempts and wait until `next_attempt_at`; items that failed
 * too often move to `segment_work_parked` with their error. Backfills record their failures on
 * the version and back off the same way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE segment_work
      ADD COLUMN attempts integer NOT NULL DEFAULT 0,
      -- '-infinity': new work is ready at once, whatever clock the workers run on.
      ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
      -- The segment whose evaluation failed (NULL: the whole item failed), and why, without user data.
      ADD COLUMN failed_segment text,
      ADD COLUMN last_error text,
      ADD COLUMN last_error_at timestamptz;
    -- Claims walk workspaces in id order and skip work that waits for its next attempt.
    CREATE INDEX segment_work_ready ON segment_work (workspace_id, next_attempt_at, work_id);
    -- Freshness counts a segment's failing work; it is rare, so the index stays small.
    CREATE INDEX segment_work_failing ON segment_work (workspace_id, failed_segment) WHERE attempts > 0;

    CREATE TABLE segment_work_parked (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      work_id bigint NOT NULL,
      target text NOT NULL,
      profile_id uuid NOT NULL,
      topics text[] NOT NULL,
      cause jsonb NOT NULL,
      queued_at timestamptz NOT NULL,
      attempts integer NOT NULL,
      failed_segment text,
      last_error text NOT NULL,
      parked_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, work_id)
    );
    CREATE INDEX segment_work_parked_segment ON segment_work_parked (workspace_id, failed_segment);

    ALTER TABLE segment_versions
      ADD COLUMN backfill_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN backfill_next_attempt_at timestamptz,
      ADD COLUMN backfill_last_error text,
      ADD COLUMN backfill_last_error_at timestamptz;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE segment_versions DROP COLUMN backfill_attempts, DROP COLUMN backfill_next_attempt_at,
      DROP COLUMN backfill_last_error, DROP COLUMN backfill_last_error_at;
    DROP TABLE segment_work_parked;
    DROP INDEX segment_work_ready, segment_work_failing;
    ALTER TABLE segment_work DROP COLUMN attempts, DROP COLUMN next_attempt_at, DROP COLUMN failed_segment,
      DROP COLUMN last_error, DROP COLUMN last_error_at;
  `.execute(db);
}
