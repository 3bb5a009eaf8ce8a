import { sql, type Kysely } from 'kysely';

/**
 * Living segments: definitions with versions, materialised members with their history, the
 * work queue of profiles to re-evaluate, the outbox, and the instants of date traits that the
 * time sweep reads instead of scanning every profile.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE segments (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      segment_key text NOT NULL,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      target text NOT NULL CHECK (target IN ('person', 'account')),
      predefined boolean NOT NULL DEFAULT false,
      -- NULL until the first version's backfill has finished.
      active_version integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, segment_key)
    );

    -- Every rule a segment has had. One is 'active' (it fills segment_members); a newer one is
    -- 'building' while its backfill runs into segment_staging; replaced ones are 'retired'.
    CREATE TABLE segment_versions (
      workspace_id uuid NOT NULL,
      segment_key text NOT NULL,
      version integer NOT NULL,
      rule jsonb NOT NULL,
      rule_text text NOT NULL,
      state text NOT NULL CHECK (state IN ('building', 'active', 'retired')),
      backfill_total integer NOT NULL DEFAULT 0,
      backfill_done integer NOT NULL DEFAULT 0,
      -- The last profile id the backfill finished, so a crashed backfill resumes after it.
      backfill_cursor uuid,
      last_full_evaluation_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      activated_at timestamptz,
      PRIMARY KEY (workspace_id, segment_key, version),
      FOREIGN KEY (workspace_id, segment_key) REFERENCES segments ON DELETE CASCADE
    );
    CREATE UNIQUE INDEX segment_versions_one_building ON segment_versions (workspace_id, segment_key) WHERE state = 'building';

    -- A building version's verdicts, members and non-members: live evaluation writes here too,
    -- and its verdicts win over the backfill's older snapshot.
    CREATE TABLE segment_staging (
      workspace_id uuid NOT NULL,
      segment_key text NOT NULL,
      version integer NOT NULL,
      member_id uuid NOT NULL,
      is_member boolean NOT NULL,
      PRIMARY KEY (workspace_id, segment_key, version, member_id),
      FOREIGN KEY (workspace_id, segment_key, version) REFERENCES segment_versions ON DELETE CASCADE
    );

    -- Every enter and exit, with its cause: membership history, members as of a time, and the
    -- changes feed. Readers page by (txid, change_id) below the oldest running transaction, so a
    -- change committed late never lands behind a cursor that has moved past it.
    CREATE TABLE segment_changes (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      change_id bigserial NOT NULL,
      segment_key text NOT NULL,
      member_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('enter', 'exit')),
      at timestamptz NOT NULL,
      version integer NOT NULL,
      cause jsonb NOT NULL,
      txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      PRIMARY KEY (workspace_id, change_id)
    );
    CREATE INDEX segment_changes_feed ON segment_changes (workspace_id, segment_key, txid, change_id);
    CREATE INDEX segment_changes_member ON segment_changes (workspace_id, segment_key, member_id, at);

    -- Written in the same transaction as each membership change; delivery (webhooks, plays) reads it.
    CREATE TABLE outbox (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      outbox_id bigserial NOT NULL,
      topic text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      PRIMARY KEY (workspace_id, outbox_id)
    );
    CREATE INDEX outbox_undelivered ON outbox (workspace_id, outbox_id) WHERE delivered_at IS NULL;

    -- Profiles to re-evaluate, with what changed (topics, see dependencies.ts in core). Written in
    -- the ingestion transaction; taken with SKIP LOCKED by any number of workers and deleted in
    -- the transaction that applies the result, so a crash leaves the work queued.
    CREATE TABLE segment_work (
      workspace_id uuid NOT NULL,
      work_id bigserial NOT NULL,
      target text NOT NULL,
      profile_id uuid NOT NULL,
      topics text[] NOT NULL,
      cause jsonb NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (workspace_id, work_id)
    );
    CREATE INDEX segment_work_order ON segment_work (work_id);
    -- A queue: rows live for milliseconds. Vacuum it often, or claims scan ever more dead entries.
    ALTER TABLE segment_work SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
      autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);

    -- How far the time sweep has looked, per workspace.
    CREATE TABLE segment_sweeps (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces ON DELETE CASCADE,
      swept_until timestamptz NOT NULL
    );

    -- Date traits as instants, kept by triggers, so the sweep finds who crosses a boundary by index.
    CREATE TABLE trait_instants (
      workspace_id uuid NOT NULL,
      target text NOT NULL,
      profile_id uuid NOT NULL,
      name text NOT NULL,
      at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, target, profile_id, name)
    );
    CREATE INDEX trait_instants_at ON trait_instants (workspace_id, target, name, at);

    CREATE FUNCTION strata_sync_trait_instants() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      kind text := CASE TG_TABLE_NAME WHEN 'people' THEN 'person' ELSE 'account' END;
      old_id uuid;
      new_id uuid;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        old_id := CASE kind WHEN 'person' THEN (to_jsonb(OLD) ->> 'person_id')::uuid ELSE (to_jsonb(OLD) ->> 'account_id')::uuid END;
        DELETE FROM trait_instants WHERE workspace_id = OLD.workspace_id AND target = kind AND profile_id = old_id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        new_id := CASE kind WHEN 'person' THEN (to_jsonb(NEW) ->> 'person_id')::uuid ELSE (to_jsonb(NEW) ->> 'account_id')::uuid END;
        INSERT INTO trait_instants (workspace_id, target, profile_id, name, at)
          SELECT NEW.workspace_id, kind, new_id, t.key, strata_timestamptz(t.value)
          FROM jsonb_each(NEW.traits) t
          WHERE jsonb_typeof(t.value) = 'string' AND strata_timestamptz(t.value) IS NOT NULL;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER people_instants_write AFTER INSERT OR DELETE ON people FOR EACH ROW EXECUTE FUNCTION strata_sync_trait_instants();
    CREATE TRIGGER people_instants_update AFTER UPDATE OF traits ON people FOR EACH ROW
      WHEN (OLD.traits IS DISTINCT FROM NEW.traits) EXECUTE FUNCTION strata_sync_trait_instants();
    CREATE TRIGGER accounts_instants_write AFTER INSERT OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION strata_sync_trait_instants();
    CREATE TRIGGER accounts_instants_update AFTER UPDATE OF traits ON accounts FOR EACH ROW
      WHEN (OLD.traits IS DISTINCT FROM NEW.traits) EXECUTE FUNCTION strata_sync_trait_instants();
    INSERT INTO trait_instants (workspace_id, target, profile_id, name, at)
      SELECT p.workspace_id, 'person', p.person_id, t.key, strata_timestamptz(t.value)
      FROM people p, jsonb_each(p.traits) t WHERE jsonb_typeof(t.value) = 'string' AND strata_timestamptz(t.value) IS NOT NULL;
    INSERT INTO trait_instants (workspace_id, target, profile_id, name, at)
      SELECT a.workspace_id, 'account', a.account_id, t.key, strata_timestamptz(t.value)
      FROM accounts a, jsonb_each(a.traits) t WHERE jsonb_typeof(t.value) = 'string' AND strata_timestamptz(t.value) IS NOT NULL;

    CREATE INDEX people_last_seen ON people (workspace_id, last_seen_at);
    CREATE INDEX people_first_seen ON people (workspace_id, first_seen_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX people_first_seen, people_last_seen;
    DROP TRIGGER accounts_instants_update ON accounts;
    DROP TRIGGER accounts_instants_write ON accounts;
    DROP TRIGGER people_instants_update ON people;
    DROP TRIGGER people_instants_write ON people;
    DROP FUNCTION strata_sync_trait_instants();
    DROP TABLE trait_instants, segment_sweeps, segment_work, outbox, segment_changes, segment_staging, segment_versions, segments;
  `.execute(db);
}
