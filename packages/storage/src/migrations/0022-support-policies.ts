import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Support policies. SLA policies (targets per priority, in business hours or not) and ordered
 * support policies (a ticket rule, stored as text and checked IR, and what it sets); per ticket
 * every decision taken, with its cause: the newest row is the ticket's current decision, and a row
 * is written only when the decision changed. A policy's change re-decides the open tickets, its
progress kept on the policy. SLA warnings are a workspace setting.
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
    -- Re-deciding after a policy changes pages through the open tickets by id.
    CREATE INDEX tickets_open ON tickets (workspace_id, ticket_id) WHERE is_open;
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX tickets_open;
    DROP TABLE ticket_decisions, support_policies, sla_policies;
    ALTER TABLE workspaces DROP COLUMN sla_warning_minutes;
  `.execute(db);
}
