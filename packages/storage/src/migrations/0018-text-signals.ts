import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Ticket intelligence. Messages keep how sure the language is and where it came from (the text,
 * or the requester's or account's trait), and an agent's correction of their sentiment, which is
 * a training label. Tickets get topic tags and a primary `topic` (a rule-language field). Per
 * workspace: its topic keyword rules (none stored means the built-in ones) and its trained text
 * models with their cross-validated quality next to the lexicon's, whether in use, and the
 * progress of a run (training, re-scoring open tickets).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE ticket_messages
      ADD COLUMN language_confidence double precision,
      ADD COLUMN language_source text CHECK (language_source IN ('text', 'requester', 'account')),
      ADD COLUMN language_supported boolean NOT NULL DEFAULT true,
      ADD COLUMN sentiment_correction text CHECK (sentiment_correction IN ('negative', 'neutral', 'positive'))
  `.execute(db);
  await sql`
    ALTER TABLE tickets
      ADD COLUMN topic text,
      ADD COLUMN topics text[] NOT NULL DEFAULT '{}'
  `.execute(db);
  await sql`
    CREATE TABLE ticket_topic_rules (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      topic text NOT NULL CHECK (topic ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
      keywords text[] NOT NULL,
      position integer NOT NULL,
      PRIMARY KEY (workspace_id, topic)
    )
  `.execute(db);
  await sql`
    CREATE TABLE text_models (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('sentiment', 'topic')),
      status text NOT NULL CHECK (status IN ('queued', 'training', 'trained', 'too-few-labels', 'failed')),
      in_use boolean NOT NULL DEFAULT false,
      model jsonb,
      samples integer NOT NULL DEFAULT 0,
      lexicon_quality jsonb,
      model_quality jsonb,
      error text,
      requested_at timestamptz,
      trained_at timestamptz,
      rescore_done integer,
      rescore_total integer,
      PRIMARY KEY (workspace_id, kind)
    )
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE text_models`.execute(db);
  await sql`DROP TABLE ticket_topic_rules`.execute(db);
  await sql`ALTER TABLE tickets DROP COLUMN topic, DROP COLUMN topics`.execute(db);
  await sql`
    ALTER TABLE ticket_messages
      DROP COLUMN language_confidence, DROP COLUMN language_source, DROP COLUMN language_supported, DROP COLUMN sentiment_correction
  `.execute(db);
}
