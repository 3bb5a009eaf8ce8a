import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Per person and event name: how many events, the first and the last, and every event time
 * since `complete_since` in order (`times`), so that `did`, `count`, `first` and `last` over an
 * event name (no `where`) are one row's read instead of a scan of the person's events.
 *
 * A count in a window is `#(times <= hi) - #(times < lo)`, each a binary search by `width_bucket`
 * (which, given sorted bounds, answers how many are <= its operand): exact to the microsecond.
 *
 * Kept by a statement trigger on `events` in the inserting transaction, so every writer (the
 * ingestion API, COPY loads, the generator) keeps them alike; identity merges fold the loser's
 * rows into the survivor's (`movePerson`); erasure deletes them with the person (the foreign key);
 * retention rebuilds a workspace's from the events it kept. `strata_prune_event_times` drops times
 * older than a horizon (a job): `complete_since` says from when `times` is complete, and rules
 * whose window starts earlier read the events instead.
 *
 * And queued live work by profile, so that a claim takes every queued item of the profiles it
 * takes (`claimSegmentWork`): a profile queued many times is decided once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE event_summaries (
      workspace_id uuid NOT NULL,
      person_id uuid NOT NULL,
      name text NOT NULL,
      count bigint NOT NULL,
      first_at timestamptz NOT NULL,
      last_at timestamptz NOT NULL,
      times timestamptz[] NOT NULL,
      complete_since timestamptz NOT NULL DEFAULT '-infinity',
      PRIMARY KEY (workspace_id, person_id, name),
      FOREIGN KEY (workspace_id, person_id) REFERENCES people ON DELETE CASCADE
    ) WITH (fillfactor = 80);
    CREATE INDEX event_summaries_name ON event_summaries (workspace_id, name);
    CREATE INDEX segment_work_profile ON segment_work (workspace_id, target, profile_id);

    -- Two sorted arrays as one, keeping the times at or after cutoff; appends when b follows a.
    CREATE FUNCTION strata_merge_times(a timestamptz[], b timestamptz[], cutoff timestamptz) RETURNS timestamptz[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE
        WHEN cardinality(b) = 0 THEN a
        WHEN cardinality(a) = 0 OR a[cardinality(a)] <= b[1] THEN a || b
        ELSE (SELECT coalesce(array_agg(t ORDER BY t), '{}') FROM (SELECT unnest(a) AS t UNION ALL SELECT unnest(b)) m WHERE t >= cutoff)
      END
    $$;

    -- How many of the sorted times are <= at.
    CREATE FUNCTION strata_times_upto(times timestamptz[], at timestamptz) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN cardinality(times) = 0 THEN 0 ELSE width_bucket(at, times) END
    $$;

    -- The times in [lo, hi].
    CREATE FUNCTION strata_count_times(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT greatest(0, strata_times_upto(times, hi) - strata_times_upto(times, lo - interval '1 microsecond'))
    $$;

    -- The earliest time in [lo, hi], or NULL.
    CREATE FUNCTION strata_first_time(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN t <= hi THEN t END FROM (SELECT times[strata_times_upto(times, lo - interval '1 microsecond') + 1] AS t) f
    $$;

    -- The latest time in [lo, hi], or NULL.
    CREATE FUNCTION strata_last_time(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN t >= lo THEN t END FROM (SELECT times[strata_times_upto(times, hi)] AS t) l
    $$;

    -- Adds the inserted events of people to their summaries; ordered so that concurrent writers lock rows alike.
    CREATE FUNCTION strata_summarise_inserted_events() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO event_summaries AS s (workspace_id, person_id, name, count, first_at, last_at, times)
      SELECT workspace_id, person_id, name, count(*), min(timestamp), max(timestamp), array_agg(timestamp ORDER BY timestamp)
      FROM inserted WHERE person_id IS NOT NULL
      GROUP BY workspace_id, person_id, name
      ORDER BY workspace_id, person_id, name
      ON CONFLICT (workspace_id, person_id, name) DO UPDATE SET
        count = s.count + excluded.count,
        first_at = least(s.first_at, excluded.first_at),
        last_at = greatest(s.last_at, excluded.last_at),
        times = strata_merge_times(s.times, excluded.times, s.complete_since);
      RETURN NULL;
    END $$;
    CREATE TRIGGER events_summarise AFTER INSERT ON events
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION strata_summarise_inserted_events();

    -- The owner reads every workspace's events only while row-level security is not forced on it.
    ALTER TABLE events NO FORCE ROW LEVEL SECURITY;
    INSERT INTO event_summaries (workspace_id, person_id, name, count, first_at, last_at, times)
    SELECT workspace_id, person_id, name, count(*), min(timestamp), max(timestamp), array_agg(timestamp ORDER BY timestamp)
    FROM events WHERE person_id IS NOT NULL
    GROUP BY workspace_id, person_id, name;
    ALTER TABLE events FORCE ROW LEVEL SECURITY;
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX segment_work_profile;
    DROP TRIGGER events_summarise ON events;
    DROP FUNCTION strata_summarise_inserted_events();
    DROP TABLE event_summaries;
    DROP FUNCTION strata_last_time(timestamptz[], timestamptz, timestamptz), strata_first_time(timestamptz[], timestamptz, timestamptz),
      strata_count_times(timestamptz[], timestamptz, timestamptz), strata_times_upto(timestamptz[], timestamptz),
      strata_merge_times(timestamptz[], timestamptz[], timestamptz);
  `.execute(db);
}
