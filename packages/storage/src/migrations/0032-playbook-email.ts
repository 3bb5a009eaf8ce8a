import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Playbook email. A workspace's SMTP settings (the password sealed like integration secrets) and
 * its default frequency cap. The email outbox: one row per enrolment and step (the primary key is
 * the step's idempotency key), written in the step's transaction and sent by a job that marks it
 * sent right after the SMTP server accepts it. The suppression list: addresses that get no more
 * email (bounces, manual), or no more marketing email (`unsubscribed`).
 *
 * A playbook's `webhook` step goes out through the spine's webhook delivery: its message is a
 * webhook message of its own (no webhook: the step's URL and sealed secret), keyed by run and step.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE email_settings (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces ON DELETE CASCADE,
      host text NOT NULL,
      port integer NOT NULL,
      secure boolean NOT NULL,
      username text,
      password_ciphertext text,
      from_address text NOT NULL,
      -- {max, days}: the workspace's default frequency cap; a playbook's own cap wins.
      frequency_cap jsonb,
      updated_at timestamptz NOT NULL
    );
    CREATE TABLE email_outbox (
      workspace_id uuid NOT NULL,
      enrolment_id bigint NOT NULL,
      step_path text NOT NULL,
      person_id uuid NOT NULL,
      playbook_key text NOT NULL,
      to_address text NOT NULL,
      -- The rendered message {subject, text, html, headers}: what is sent on every attempt.
      message jsonb NOT NULL,
      transactional boolean NOT NULL,
      -- suppressed: the address was suppressed between the step and the send.
      status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL,
      sent_at timestamptz,
      PRIMARY KEY (workspace_id, enrolment_id, step_path),
      FOREIGN KEY (workspace_id, enrolment_id) REFERENCES playbook_enrolments (workspace_id, enrolment_id) ON DELETE CASCADE
    );
    -- The frequency cap counts a person's marketing email of the last days.
    CREATE INDEX email_outbox_by_person ON email_outbox (workspace_id, person_id, created_at) WHERE NOT transactional;
    CREATE TABLE email_suppressions (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      -- Lower-cased address.
      email text NOT NULL,
      reason text NOT NULL CHECK (reason IN ('unsubscribed', 'bounce', 'manual')),
      created_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, email)
    );
    ALTER TABLE webhook_messages
      ALTER COLUMN webhook_key DROP NOT NULL,
      ADD COLUMN url text,
      ADD COLUMN secret_ciphertext text,
      ADD COLUMN enrolment_id bigint,
      ADD COLUMN step_path text,
      DROP CONSTRAINT webhook_messages_one_source,
      ADD CONSTRAINT webhook_messages_one_source CHECK (num_nonnulls(change_id, support_event_id, enrolment_id) = 1),
      -- A membership or support message goes to its webhook; a playbook step's to the step's URL.
      ADD CONSTRAINT webhook_messages_destination CHECK (CASE WHEN enrolment_id IS NULL THEN webhook_key IS NOT NULL
        ELSE webhook_key IS NULL AND url IS NOT NULL AND secret_ciphertext IS NOT NULL AND step_path IS NOT NULL END),
      ADD CONSTRAINT webhook_messages_playbook_step UNIQUE (workspace_id, enrolment_id, step_path),
      ADD CONSTRAINT webhook_messages_enrolment FOREIGN KEY (workspace_id, enrolment_id)
        REFERENCES playbook_enrolments (workspace_id, enrolment_id) ON DELETE CASCADE
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM webhook_messages WHERE enrolment_id IS NOT NULL;
    ALTER TABLE webhook_messages DROP CONSTRAINT webhook_messages_enrolment, DROP CONSTRAINT webhook_messages_playbook_step,
      DROP CONSTRAINT webhook_messages_destination, DROP CONSTRAINT webhook_messages_one_source,
      ADD CONSTRAINT webhook_messages_one_source CHECK ((change_id IS NULL) <> (support_event_id IS NULL)),
      DROP COLUMN step_path, DROP COLUMN enrolment_id, DROP COLUMN secret_ciphertext, DROP COLUMN url,
      ALTER COLUMN webhook_key SET NOT NULL;
    DROP TABLE email_suppressions, email_outbox, email_settings
  `.execute(db);
}
