import { sql, type Kysely } from 'kysely';

/**
 * Browser ingestion and Segment spec fidelity.
 *
 * - `events.context`: the message's `context` (page, campaign, locale, userAgent, library; `ip`
 *   only when the workspace allows it), so rules can read `context.campaign.source`. NULL for
 *   events stored before this migration, which read as having no context.
 * - `workspaces.allowed_origins`, `workspaces.allow_ip`: the origins browsers may send from (none
 *   by default, so browser ingestion is off until set) and whether `context.ip` is kept. On
 *   `workspaces`, a global table, because a CORS preflight names no write key: it is answered
 *   from every workspace's origins before any workspace is known.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE events ADD COLUMN context jsonb`.execute(db);
  await sql`
    ALTER TABLE workspaces
      ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}',
      ADD COLUMN allow_ip boolean NOT NULL DEFAULT false
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE workspaces DROP COLUMN allowed_origins, DROP COLUMN allow_ip`.execute(db);
  await sql`ALTER TABLE events DROP COLUMN context`.execute(db);
}
