import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Segment analytics. One row per segment and calendar day (in the workspace's time zone) holding
 * that day's metrics as computed once the day was over (or earlier by a backfill), so a series is
 * a range read. A backfill's progress, one row per run. The analytics settings (gross margin for
 * CLV, the warnings' floors), a workspace setting: NULL means the defaults.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE workspaces ADD COLUMN analytics_settings jsonb;
    CREATE TABLE segment_metric_days (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      segment_key text NOT NULL,
      day date NOT NULL,
      metrics jsonb NOT NULL,
      computed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, segment_key, day),
      FOREIGN KEY (workspace_id, segment_key) REFERENCES segments (workspace_id, segment_key) ON DELETE CASCADE
    );
    CREATE TABLE analytics_backfills (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      backfill_id uuid NOT NULL,
      from_day date NOT NULL,
      to_day date NOT NULL,
      status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
      done integer NOT NULL DEFAULT 0,
      total integer NOT NULL DEFAULT 0,
      error text,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      PRIMARY KEY (workspace_id, backfill_id)
    )
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE analytics_backfills, segment_metric_days`.execute(db);
  await sql`ALTER TABLE workspaces DROP COLUMN analytics_settings`.execute(db);
}
