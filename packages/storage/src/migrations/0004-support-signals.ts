import { sql, type Kysely } from 'kysely';

/**
 * Support, survey and billing data: tickets grow their full model and a message table, survey
 * answers remember where they came from, integrations keep their (encrypted) secrets and the
 * unguessable token of their webhook URL, and webhook deliveries are remembered for dedupe.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Business hours for first-response and resolution times; NULL means Monday to Friday,
    -- 09:00 to 17:00 in the workspace's timezone, no holidays.
    ALTER TABLE workspaces ADD COLUMN business_hours jsonb;

    ALTER TABLE tickets
      ADD COLUMN source text NOT NULL DEFAULT 'api',
      ADD COLUMN external_id text,
      ADD COLUMN description text,
      ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
      ADD COLUMN group_name text,
      ADD COLUMN assignee text,
      ADD COLUMN is_open boolean NOT NULL DEFAULT true,
      ADD COLUMN worst_sentiment numeric,
      ADD COLUMN worst_sentiment_label text,
      ADD COLUMN first_response_at timestamptz,
      ADD COLUMN first_response_business_minutes numeric,
      ADD COLUMN resolution_business_minutes numeric,
      ADD COLUMN csat_comment text,
      -- The provider's time of the state stored here: older updates arriving late are ignored.
      ADD COLUMN source_updated_at timestamptz,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    CREATE UNIQUE INDEX tickets_external ON tickets (workspace_id, source, external_id);
    CREATE INDEX tickets_external_any ON tickets (workspace_id, external_id);

    CREATE TABLE ticket_messages (
      workspace_id uuid NOT NULL,
      ticket_id uuid NOT NULL,
      message_id uuid NOT NULL,
      external_id text,
      author text NOT NULL CHECK (author IN ('customer', 'agent')),
      public boolean NOT NULL DEFAULT true,
      body text NOT NULL,
      sentiment numeric,
      sentiment_label text,
      language text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, ticket_id, message_id),
      FOREIGN KEY (workspace_id, ticket_id) REFERENCES tickets ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX ticket_messages_external ON ticket_messages (workspace_id, ticket_id, external_id);

    ALTER TABLE surveys
      ADD COLUMN source text NOT NULL DEFAULT 'api',
      ADD COLUMN external_id text,
      ADD COLUMN ticket_id uuid,
      ADD COLUMN category text,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
    CREATE UNIQUE INDEX surveys_external ON surveys (workspace_id, source, external_id);

    CREATE TABLE integrations (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      provider text NOT NULL,
      -- AES-256-GCM: 12-byte IV, 16-byte tag, then the ciphertext; NULL for providers that do not sign.
      secret_ciphertext bytea,
      url_token text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, provider)
    );

    CREATE TABLE webhook_deliveries (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      provider text NOT NULL,
      event_id text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, provider, event_id)
    );

    -- Stripe customers map to accounts through this trait.
    CREATE INDEX accounts_stripe_customer ON accounts (workspace_id, (traits ->> 'stripe_customer_id'))
      WHERE traits ? 'stripe_customer_id';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX accounts_stripe_customer;
    DROP TABLE webhook_deliveries, integrations, ticket_messages;
    DROP INDEX surveys_external, tickets_external, tickets_external_any;
    ALTER TABLE surveys DROP COLUMN source, DROP COLUMN external_id, DROP COLUMN ticket_id, DROP COLUMN category, DROP COLUMN updated_at;
    ALTER TABLE tickets DROP COLUMN source, DROP COLUMN external_id, DROP COLUMN description, DROP COLUMN tags,
      DROP COLUMN group_name, DROP COLUMN assignee, DROP COLUMN is_open, DROP COLUMN worst_sentiment,
      DROP COLUMN worst_sentiment_label, DROP COLUMN first_response_at, DROP COLUMN first_response_business_minutes,
      DROP COLUMN resolution_business_minutes, DROP COLUMN csat_comment, DROP COLUMN source_updated_at, DROP COLUMN updated_at;
    ALTER TABLE workspaces DROP COLUMN business_hours;
  `.execute(db);
}
