import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

// The audit log, the suppression list of erased people, the `suppressed` ingestion counter and
// the raw-event retention setting. See docs/security.md.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Append-only: who changed what configuration, when, from where. Entries name subjects by
    -- key or id, never by personal data (person.* entries carry a keyed hash of the userId).
    CREATE TABLE audit_log (
      workspace_id uuid NOT NULL REFERENCES workspaces,
      audit_id bigint GENERATED ALWAYS AS IDENTITY,
      at timestamptz NOT NULL,
      actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'key', 'cli', 'system')),
      actor_id text,
      actor_label text,
      address text,
      kind text NOT NULL,
      subject text,
      before jsonb,
      after jsonb,
      PRIMARY KEY (workspace_id, audit_id)
    );
    CREATE INDEX audit_log_by_time ON audit_log (workspace_id, at);
    CREATE INDEX audit_log_by_kind ON audit_log (workspace_id, kind, audit_id);

    -- Holds for every role, the owner's included: an entry, once written, stays as written.
    CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

    -- Erased people: a keyed hash (HMAC-SHA256 under a key derived from STRATA_SECRET_KEY) of
    -- each identifier, never the identifier. Ingestion drops messages naming one.
    CREATE TABLE suppressions (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      identifier_hash bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, identifier_hash)
    );

    ALTER TABLE ingestion_counters ADD COLUMN suppressed bigint NOT NULL DEFAULT 0;
    ALTER TABLE ingestion_counters DROP CONSTRAINT ingestion_counters_check;
    ALTER TABLE ingestion_counters ADD CONSTRAINT ingestion_counters_check
      CHECK (received = stored + rejected + deduplicated + suppressed);

    -- Months of raw events a workspace keeps; NULL keeps them forever.
    ALTER TABLE workspaces ADD COLUMN raw_events_months integer CHECK (raw_events_months > 0);

    -- Retention empties a whole monthly partition once no workspace keeps it. The runtime role
    -- does not own events, so it calls this (as the owner) with a name it cannot choose freely.
    CREATE FUNCTION truncate_event_partition(partition regclass) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = partition AND inhparent = 'public.events'::regclass) THEN
        RAISE EXCEPTION '% is not a partition of events', partition;
      END IF;
      EXECUTE format('TRUNCATE %s', partition);
    END $$;
    REVOKE ALL ON FUNCTION truncate_event_partition(regclass) FROM PUBLIC;
  `.execute(db);
  // audit_log and suppressions get the FORCEd workspace policy like every workspace table.
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION truncate_event_partition(regclass);
    ALTER TABLE workspaces DROP COLUMN raw_events_months;
    ALTER TABLE ingestion_counters DROP CONSTRAINT ingestion_counters_check;
    ALTER TABLE ingestion_counters DROP COLUMN suppressed;
    ALTER TABLE ingestion_counters ADD CONSTRAINT ingestion_counters_check CHECK (received = stored + rejected + deduplicated);
    DROP TABLE suppressions;
    DROP TABLE audit_log;
    DROP FUNCTION audit_log_refuse_change();
  `.execute(db);
}
