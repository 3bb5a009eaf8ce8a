import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Routing. Queues: a list of agent seats (email, skills, languages, capacity) and how one is
 * picked, with the last round-robin pick. Agents' online/away status, per workspace and email,
 * across queues. Every assignment of a ticket, with its queue, reason and cause: the newest is the
 * ticket's current one, and `tickets.assignee` follows it. The triage queue's weights, a
 * workspace setting (none: the defaults). A support policy's experiment (its holdout share).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE workspaces ADD COLUMN triage_weights jsonb`.execute(db);
  await sql`ALTER TABLE support_policies ADD COLUMN experiment jsonb`.execute(db);
  await sql`
    CREATE TABLE support_queues (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
      name text NOT NULL,
      assignment text NOT NULL CHECK (assignment IN ('round-robin', 'least-loaded', 'manual')),
      language_fallback text NOT NULL CHECK (language_fallback IN ('any-agent', 'unassigned')),
      agents jsonb NOT NULL,
      last_assigned text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, key)
    )
  `.execute(db);
  await sql`
    CREATE TABLE agent_statuses (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      email text NOT NULL,
      status text NOT NULL CHECK (status IN ('online', 'away')),
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, email)
    )
  `.execute(db);
  await sql`
    CREATE TABLE ticket_assignments (
      workspace_id uuid NOT NULL,
      ticket_id uuid NOT NULL,
      assignment_id bigint GENERATED ALWAYS AS IDENTITY,
      queue_key text NOT NULL,
      assignee text,
      reason text NOT NULL,
      language_fallback boolean NOT NULL DEFAULT false,
      cause text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, ticket_id, assignment_id),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets (workspace_id, ticket_id) ON DELETE CASCADE
    );
    CREATE INDEX tickets_open_by_assignee ON tickets (workspace_id, assignee) WHERE is_open AND assignee IS NOT NULL
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX tickets_open_by_assignee; DROP TABLE ticket_assignments, agent_statuses, support_queues`.execute(db);
  await sql`ALTER TABLE workspaces DROP COLUMN triage_weights`.execute(db);
  await sql`ALTER TABLE support_policies DROP COLUMN experiment`.execute(db);
}
