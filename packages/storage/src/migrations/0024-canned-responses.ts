import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Canned responses and the sync of support decisions back to the help desks.
 *
 * - `canned_responses`: a Liquid template per key, scoped to segments and languages (NULL means
 *   any), so suggestions read one table and filter in memory.
 * - `help_desk_connections`: the API credentials Strata uses to write to a help desk, sealed with
 *   the workspace secret box; one row per provider. Separate from `integrations`, which is global
 *   (found by webhook URL token) and holds only the inbound signing secret.
 * - `ticket_sync_attempts`: one row per call to a help desk, kept so a decision that failed to
 *   reach the help desk can be shown on the ticket.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE canned_responses (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      response_key text NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      segments text[],
      languages text[],
      tags text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, response_key)
    )
  `.execute(db);
  await sql`
    CREATE TABLE help_desk_connections (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      provider text NOT NULL CHECK (provider IN ('zendesk', 'freshdesk', 'intercom')),
      base_url text NOT NULL,
      credentials_ciphertext text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, provider)
    )
  `.execute(db);
  await sql`
    CREATE TABLE ticket_sync_attempts (
      workspace_id uuid NOT NULL,
      attempt_id uuid NOT NULL,
      ticket_id uuid NOT NULL,
      provider text NOT NULL,
      external_ticket_id text NOT NULL,
      request jsonb NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('synced', 'retrying', 'failed')),
      http_status integer,
      error text,
      attempt integer NOT NULL,
      attempted_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, attempt_id),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets ON DELETE CASCADE
    )
  `.execute(db);
  await sql`CREATE INDEX ticket_sync_attempts_by_ticket ON ticket_sync_attempts (workspace_id, ticket_id, attempted_at)`.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE ticket_sync_attempts`.execute(db);
  await sql`DROP TABLE help_desk_connections`.execute(db);
  await sql`DROP TABLE canned_responses`.execute(db);
}
