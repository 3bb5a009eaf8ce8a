import { sql, type Kysely } from 'kysely';

/**
 * The event summaries' window reads (migration 0017) as functions PostgreSQL inlines into the
 * query, instead of calling them once per row through the SQL-function executor (measured at
 * size s: a preview of `count(events "login" within last 30 days) >= 5` over 84,000 summaries
 * took 339 ms with the calls and 139 ms inlined).
 *
 * PostgreSQL inlines a SQL function only when its body is one expression with no FROM and is no
 * more volatile than the function is declared: `lo - interval '1 microsecond'` is STABLE (a
 * timestamptz minus an interval depends on the session's timezone in general, though not for a
 * microsecond), so the functions that use it are declared STABLE, which is what they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION strata_count_times(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT greatest(0, strata_times_upto(times, hi) - strata_times_upto(times, lo - interval '1 microsecond'))
    $$;

    CREATE OR REPLACE FUNCTION strata_first_time(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN times[strata_times_upto(times, lo - interval '1 microsecond') + 1] <= hi
        THEN times[strata_times_upto(times, lo - interval '1 microsecond') + 1] END
    $$;

    CREATE OR REPLACE FUNCTION strata_last_time(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN times[strata_times_upto(times, hi)] >= lo THEN times[strata_times_upto(times, hi)] END
    $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION strata_count_times(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT greatest(0, strata_times_upto(times, hi) - strata_times_upto(times, lo - interval '1 microsecond'))
    $$;
    CREATE OR REPLACE FUNCTION strata_first_time(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN t <= hi THEN t END FROM (SELECT times[strata_times_upto(times, lo - interval '1 microsecond') + 1] AS t) f
    $$;
    CREATE OR REPLACE FUNCTION strata_last_time(times timestamptz[], lo timestamptz, hi timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN t >= lo THEN t END FROM (SELECT times[strata_times_upto(times, hi)] AS t) l
    $$;
  `.execute(db);
}
