import { sql, type Kysely } from 'kysely';

/**
 * The foundation schema. Every table leads its keys with `workspace_id`, so the schema
 * distributes on Citus by workspace; `api_keys` is looked up by secret hash before the
 * workspace is known and would be a reference table there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE workspaces (
      workspace_id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      name text NOT NULL,
      timezone text NOT NULL DEFAULT 'UTC',
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE api_keys (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      key_id uuid NOT NULL,
      name text NOT NULL,
      prefix text NOT NULL,
      secret_hash bytea NOT NULL,
      scopes text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      PRIMARY KEY (workspace_id, key_id)
    );
    CREATE UNIQUE INDEX api_keys_secret_hash ON api_keys (secret_hash);

    CREATE TABLE people (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      person_id uuid NOT NULL,
      user_id text,
      traits jsonb NOT NULL DEFAULT '{}',
      trait_times jsonb NOT NULL DEFAULT '{}',
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, person_id)
    );

    CREATE TABLE identities (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('user_id', 'anonymous_id', 'email')),
      value text NOT NULL,
      person_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, kind, value),
      FOREIGN KEY (workspace_id, person_id) REFERENCES people ON DELETE CASCADE
    );
    CREATE INDEX identities_person ON identities (workspace_id, person_id);

    CREATE TABLE person_merges (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      from_person_id uuid NOT NULL,
      into_person_id uuid NOT NULL,
      merged_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, from_person_id)
    );

    CREATE TABLE accounts (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      account_id uuid NOT NULL,
      group_id text NOT NULL,
      traits jsonb NOT NULL DEFAULT '{}',
      trait_times jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, account_id),
      UNIQUE (workspace_id, group_id)
    );

    CREATE TABLE person_accounts (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      person_id uuid NOT NULL,
      account_id uuid NOT NULL,
      traits jsonb NOT NULL DEFAULT '{}',
      trait_times jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, person_id, account_id),
      FOREIGN KEY (workspace_id, person_id) REFERENCES people ON DELETE CASCADE,
      FOREIGN KEY (workspace_id, account_id) REFERENCES accounts ON DELETE CASCADE
    );
    CREATE INDEX person_accounts_account ON person_accounts (workspace_id, account_id);

    -- Monthly partitions are created on demand by the event writer (see ensureEventPartitions).
    CREATE TABLE events (
      workspace_id uuid NOT NULL,
      event_id bigserial NOT NULL,
      message_id text NOT NULL,
      type text NOT NULL CHECK (type IN ('track', 'page', 'screen')),
      name text NOT NULL,
      person_id uuid,
      account_id uuid,
      properties jsonb NOT NULL DEFAULT '{}',
      timestamp timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      sent_at timestamptz,
      future boolean NOT NULL DEFAULT false,
      PRIMARY KEY (workspace_id, timestamp, event_id)
    ) PARTITION BY RANGE (timestamp);
    CREATE INDEX events_person ON events (workspace_id, person_id, name, timestamp);
    CREATE INDEX events_account ON events (workspace_id, account_id, timestamp) WHERE account_id IS NOT NULL;

    -- Deduplication by messageId lives outside the partitioned table, whose unique keys
    -- would have to include the timestamp.
    CREATE TABLE message_ids (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      message_id text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, message_id)
    );

    CREATE TABLE field_registry (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      source text NOT NULL CHECK (source IN ('person', 'account', 'membership', 'event')),
      event_name text NOT NULL DEFAULT '',
      field text NOT NULL,
      type text NOT NULL,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, source, event_name, field)
    );

    -- Sharded so concurrent requests of one workspace do not queue on a single row.
    CREATE TABLE ingestion_counters (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      shard smallint NOT NULL,
      received bigint NOT NULL DEFAULT 0,
      stored bigint NOT NULL DEFAULT 0,
      rejected bigint NOT NULL DEFAULT 0,
      deduplicated bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (workspace_id, shard),
      CHECK (received = stored + rejected + deduplicated)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE ingestion_counters, field_registry, message_ids, events, person_accounts, accounts,
      person_merges, identities, people, api_keys, workspaces;
  `.execute(db);
}
