import { sql, type Kysely } from 'kysely';

/**
 * Playbook work that no longer holds a transaction open for long.
 *
 * The email outbox gains `sending`: the delivery job claims the row (`claimed_at`, and the job
 * attempt that claimed it, `claimed_attempt`) and commits before it talks to the SMTP server, so
 * no transaction stays open during the send (an open one holds back the xmin the change
 * subscribers read up to). A claim whose attempt was cut off is claimed again (see
 * deliver-playbook-email.ts): at least once, under one Message-ID.
 *
 * A schedule tick is enrolled in chunks, each its own transaction: `running_tick_at` is the cron
 * time being enrolled and `running_after` the last person id it enrolled, so the next run goes on
 * after it. No new table: both tables' row-level security covers the new columns.
 *
 * `workspaces.playbook_triggers`: the trigger kinds of the workspace's enabled playbooks, kept by
 * every playbook save and delete, so that the per-minute trigger poll finds the workspaces it has
 * work in with one query of the global `workspaces` table (row-level security lets no statement
 * read two workspaces' playbooks). Filled here one workspace at a time, under its policy.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE email_outbox
      DROP CONSTRAINT email_outbox_status_check,
      ADD CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'suppressed')),
      ADD COLUMN claimed_at timestamptz,
      ADD COLUMN claimed_attempt integer;
    ALTER TABLE playbook_schedule_ticks
      ADD COLUMN running_tick_at timestamptz,
      ADD COLUMN running_after uuid;
    ALTER TABLE workspaces ADD COLUMN playbook_triggers text[] NOT NULL DEFAULT '{}';
    DO $$
    DECLARE
      w uuid;
    BEGIN
      FOR w IN SELECT workspace_id FROM workspaces LOOP
        PERFORM set_config('app.workspace_id', w::text, true);
        UPDATE workspaces SET playbook_triggers = ARRAY(
          SELECT DISTINCT definition -> 'trigger' ->> 'on' FROM playbooks WHERE workspace_id = w AND enabled ORDER BY 1)
        WHERE workspace_id = w;
      END LOOP;
      PERFORM set_config('app.workspace_id', '', true);
    END $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE workspaces DROP COLUMN playbook_triggers;
    ALTER TABLE playbook_schedule_ticks DROP COLUMN running_after, DROP COLUMN running_tick_at;
    UPDATE email_outbox SET status = 'pending' WHERE status = 'sending';
    ALTER TABLE email_outbox
      DROP COLUMN claimed_attempt,
      DROP COLUMN claimed_at,
      DROP CONSTRAINT email_outbox_status_check,
      ADD CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'sent', 'failed', 'suppressed'));
  `.execute(db);
}
