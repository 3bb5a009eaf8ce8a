import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Support policies. SLA policies (targets per priority, in business hours or not) and ordered
 * support policies (a ticket rule, stored as text and checked IR, and what it sets); per ticket
 * every decision taken, with its cause: the newest row is the ticket's current decision, and a row
 * is written only when the decision changed. A policy's change re-decides the open tickets, its
progress kept on the policy. Decisions and SLA timers announce support events, which webhooks
can subscribe to. SLA warnings are a workspace setting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Minutes before an SLA target that sla.warning fires; NULL means the default (15).
    ALTER TABLE workspaces ADD COLUMN sla_warning_minutes integer CHECK (sla_warning_minutes BETWEEN 0 AND 10080);
    CREATE TABLE sla_policies (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      policy_key text NOT NULL CHECK (policy_key ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
      name text NOT NULL,
      business_hours boolean NOT NULL,
      targets jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, policy_key)
    );
    CREATE TABLE support_policies (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      policy_key text NOT NULL CHECK (policy_key ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
      name text NOT NULL,
      position integer NOT NULL,
      rule_text text NOT NULL,
      rule jsonb NOT NULL,
      sets jsonb NOT NULL,
      -- The re-decision of open tickets after the last change: {status, done, total, startedAt, finishedAt}.
      redecision jsonb,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, policy_key)
    );
    CREATE TABLE ticket_decisions (
      workspace_id uuid NOT NULL,
      ticket_id uuid NOT NULL,
      decision_id bigserial NOT NULL,
      cause text NOT NULL,
      decision jsonb NOT NULL,
      decided_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, ticket_id, decision_id),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets ON DELETE CASCADE
    );
    -- What support policies announce (ticket.decided, sla.warning, sla.breached), for webhooks
    -- and /metrics; dedupe_key makes an event of a timer that runs twice one event.
    CREATE TABLE support_events (
      workspace_id uuid NOT NULL,
      event_id bigserial NOT NULL,
      ticket_id uuid NOT NULL,
      type text NOT NULL CHECK (type IN ('ticket.decided', 'sla.warning', 'sla.breached')),
      dedupe_key text NOT NULL,
      payload jsonb NOT NULL,
      at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, event_id),
      UNIQUE (workspace_id, dedupe_key),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets ON DELETE CASCADE
    );
    -- A webhook message is for a membership change or for a support event, never both.
    ALTER TABLE webhook_messages
      ALTER COLUMN change_id DROP NOT NULL,
      ADD COLUMN support_event_id bigint,
      ADD CONSTRAINT webhook_messages_one_source CHECK ((change_id IS NULL) <> (support_event_id IS NULL)),
      ADD CONSTRAINT webhook_messages_support_event UNIQUE (workspace_id, webhook_key, support_event_id);
    -- Re-deciding after a policy changes pages through the open tickets by id.
    CREATE INDEX tickets_open ON tickets (workspace_id, ticket_id) WHERE is_open;
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX tickets_open;
    DELETE FROM webhook_messages WHERE support_event_id IS NOT NULL;
    ALTER TABLE webhook_messages DROP CONSTRAINT webhook_messages_support_event, DROP CONSTRAINT webhook_messages_one_source,
      DROP COLUMN support_event_id, ALTER COLUMN change_id SET NOT NULL;
    DROP TABLE support_events, ticket_decisions, support_policies, sla_policies;
    ALTER TABLE workspaces DROP COLUMN sla_warning_minutes;
  `.execute(db);
}
