import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * What playbook triggers beyond segment changes read, each after a cursor kept in
 * `change_cursors`, off the path that writes them:
 * - `events.txid`: the writing transaction, so a reader after a cursor never misses an event that
 *   commits late (as `segment_changes`). The default is set after the column is added, so existing
 *   rows keep NULL (never read: triggers hear events from their creation on) and no partition is
 *   rewritten.
 * - `ticket_solutions`: a log row each time a ticket becomes solved (or closed unsolved), written by a trigger on
 *   `tickets`, so every path that solves a ticket (API, help-desk sync, imports) is heard.
 * - `playbook_schedule_ticks`: the last cron time a schedule playbook enrolled at, so a missed tick
 *   after downtime runs once.
 *
 * `segments.manual`: a segment whose members are set by hand (the API, playbook steps) rather
 * than by its rule; live evaluation and recomputes leave it alone.
 *
 * And what in-app steps leave for the product to show: `in_app_messages`, one per run and step
 * (the step's idempotency key), and `in_app_secrets`, the workspace's identity-verification secret,
 * sealed like integration secrets.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE segments ADD COLUMN manual boolean NOT NULL DEFAULT false;
    ALTER TABLE events ADD COLUMN txid xid8;
    ALTER TABLE events ALTER COLUMN txid SET DEFAULT pg_current_xact_id();
    CREATE INDEX events_txid ON events (workspace_id, txid, event_id) WHERE txid IS NOT NULL;

    CREATE TABLE ticket_solutions (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      change_id bigserial NOT NULL,
      ticket_id uuid NOT NULL,
      person_id uuid,
      at timestamptz NOT NULL,
      txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      PRIMARY KEY (workspace_id, change_id)
    );
    CREATE INDEX ticket_solutions_log ON ticket_solutions (workspace_id, txid, change_id);
    CREATE FUNCTION strata_log_ticket_solution() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- Closed counts when a ticket arrives closed without having been solved first (a sync that missed the step).
      IF NEW.status IN ('solved', 'closed') AND (TG_OP = 'INSERT' OR OLD.status IS NULL OR OLD.status NOT IN ('solved', 'closed')) THEN
        INSERT INTO ticket_solutions (workspace_id, ticket_id, person_id, at)
        VALUES (NEW.workspace_id, NEW.ticket_id, NEW.person_id, coalesce(NEW.solved_at, now()));
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER tickets_log_solution AFTER INSERT OR UPDATE OF status ON tickets
      FOR EACH ROW EXECUTE FUNCTION strata_log_ticket_solution();

    CREATE TABLE playbook_schedule_ticks (
      workspace_id uuid NOT NULL,
      playbook_key text NOT NULL,
      last_tick_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, playbook_key),
      FOREIGN KEY (workspace_id, playbook_key) REFERENCES playbooks (workspace_id, playbook_key) ON DELETE CASCADE
    );

    CREATE TABLE in_app_messages (
      workspace_id uuid NOT NULL,
      message_id bigint GENERATED ALWAYS AS IDENTITY,
      person_id uuid NOT NULL,
      enrolment_id bigint NOT NULL,
      step_path text NOT NULL,
      playbook_key text NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      cta jsonb,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'seen', 'dismissed')),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      seen_at timestamptz,
      dismissed_at timestamptz,
      PRIMARY KEY (workspace_id, message_id),
      UNIQUE (workspace_id, enrolment_id, step_path),
      FOREIGN KEY (workspace_id, enrolment_id) REFERENCES playbook_enrolments (workspace_id, enrolment_id) ON DELETE CASCADE,
      FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, person_id) ON DELETE CASCADE
    );
    CREATE INDEX in_app_messages_person ON in_app_messages (workspace_id, person_id, status, expires_at);
    CREATE TABLE in_app_secrets (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces ON DELETE CASCADE,
      secret_ciphertext bytea NOT NULL,
      rotated_at timestamptz NOT NULL
    )
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE in_app_secrets, in_app_messages;
    DROP TABLE playbook_schedule_ticks;
    DROP TRIGGER tickets_log_solution ON tickets;
    DROP FUNCTION strata_log_ticket_solution();
    DROP TABLE ticket_solutions;
    DROP INDEX events_txid;
    ALTER TABLE events DROP COLUMN txid;
    ALTER TABLE segments DROP COLUMN manual
  `.execute(db);
}
