import { sql, type Kysely } from 'kysely';

/**
 * The engine spine: durable cursors of change subscribers, membership webhooks and the messages
 * they send. The outbox goes: subscribers read `segment_changes` itself, in its `(txid, change_id)`
 * order, so nothing needs a second copy of each change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One cursor per subscriber and workspace over a change log; it moves in the transaction that
    -- applies what the subscriber did with the changes before it, so a crash repeats, never skips.
    CREATE TABLE change_cursors (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      subscriber text NOT NULL,
      txid xid8 NOT NULL DEFAULT '0',
      change_id bigint NOT NULL DEFAULT 0,
      handled bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      failures integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_error text,
      last_error_at timestamptz,
      PRIMARY KEY (workspace_id, subscriber)
    );

    -- Subscribers read a workspace's whole log in order, not one segment's.
    CREATE INDEX segment_changes_log ON segment_changes (workspace_id, txid, change_id);

    CREATE TABLE webhooks (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      webhook_key text NOT NULL,
      url text NOT NULL,
      events text[] NOT NULL,
      segments text[],
      secret_ciphertext text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, webhook_key)
    );

    -- One row per change and webhook: its id is the Standard Webhooks message id, the same on every
    -- attempt, so a receiver that dedupes by webhook-id sees each change once.
    CREATE TABLE webhook_messages (
      workspace_id uuid NOT NULL,
      message_id text NOT NULL,
      webhook_key text NOT NULL,
      change_id bigint NOT NULL,
      event text NOT NULL,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_attempt_at timestamptz,
      next_attempt_at timestamptz,
      last_status integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      PRIMARY KEY (workspace_id, message_id),
      UNIQUE (workspace_id, webhook_key, change_id),
      FOREIGN KEY (workspace_id, webhook_key) REFERENCES webhooks ON DELETE CASCADE
    );
    CREATE INDEX webhook_messages_recent ON webhook_messages (workspace_id, webhook_key, created_at DESC);

    DROP TABLE outbox;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE webhook_messages, webhooks, change_cursors;
    DROP INDEX segment_changes_log;
    CREATE TABLE outbox (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      outbox_id bigserial NOT NULL,
      topic text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      PRIMARY KEY (workspace_id, outbox_id)
    );
  `.execute(db);
}
