import { sql, type Kysely } from 'kysely';

/**
 * Calendar windows (`within this month`, `in customer timezone`): the timezones rules accept, the
 * timezone of a workspace, a person and an account, and the start of a calendar unit in a zone.
 * They mirror `isValidTimezone`, `zonesOf` and `calendarStart` in core; the property test holds
 * the two together.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The zone names of PostgreSQL's tz database, by lower case (names are case-insensitive), less
    -- Factory. A table, not pg_timezone_names itself, which reads every zone file on each call.
    -- An unknown name never reaches AT TIME ZONE, which would raise on it.
    CREATE TABLE strata_timezones (key text PRIMARY KEY, name text NOT NULL);
    INSERT INTO strata_timezones (key, name)
      SELECT DISTINCT ON (lower(name)) lower(name), name FROM pg_timezone_names
      WHERE name ~ '^[A-Za-z][A-Za-z0-9_+/-]*$' AND name <> 'Factory'
      ORDER BY lower(name), name;

    -- The name as a timezone, or NULL when it is not one.
    CREATE FUNCTION strata_timezone(value text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS
      $$ SELECT name FROM strata_timezones WHERE key = lower(value) $$;

    -- The workspace's timezone; UTC when it is not a timezone.
    CREATE FUNCTION strata_workspace_timezone(workspace uuid) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS
      $$ SELECT coalesce((SELECT strata_timezone(timezone) FROM workspaces WHERE workspace_id = workspace), 'UTC') $$;

    -- An account's own timezone: its timezone trait, else the workspace's.
    CREATE FUNCTION strata_account_timezone(workspace uuid, account uuid) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT coalesce(
        (SELECT strata_timezone(strata_text(traits -> 'timezone')) FROM accounts WHERE workspace_id = workspace AND account_id = account),
        strata_workspace_timezone(workspace))
    $$;

    -- A person's own timezone: their timezone trait, else that of the account they joined first
    -- (by joining time, then account id), else the workspace's.
    CREATE FUNCTION strata_person_timezone(workspace uuid, person uuid) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT coalesce(
        (SELECT strata_timezone(strata_text(traits -> 'timezone')) FROM people WHERE workspace_id = workspace AND person_id = person),
        (SELECT strata_timezone(strata_text(a.traits -> 'timezone'))
           FROM person_accounts pa JOIN accounts a ON a.workspace_id = pa.workspace_id AND a.account_id = pa.account_id
           WHERE pa.workspace_id = workspace AND pa.person_id = person
           ORDER BY pa.created_at, pa.account_id LIMIT 1),
        strata_workspace_timezone(workspace))
    $$;

    -- The start of the calendar unit (week from Monday, month, quarter, year) shift units away from
    -- the one holding at, in zone: arithmetic on local times, so DST makes a day 23 or 25 hours.
    CREATE FUNCTION strata_calendar_start(at timestamptz, unit text, shift integer, zone text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT (date_trunc(unit, at AT TIME ZONE zone) + shift * CASE unit
        WHEN 'week' THEN interval '1 week' WHEN 'month' THEN interval '1 month'
        WHEN 'quarter' THEN interval '3 months' WHEN 'year' THEN interval '1 year' END) AT TIME ZONE zone
    $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION strata_calendar_start(timestamptz, text, integer, text);
    DROP FUNCTION strata_person_timezone(uuid, uuid);
    DROP FUNCTION strata_account_timezone(uuid, uuid);
    DROP FUNCTION strata_workspace_timezone(uuid);
    DROP FUNCTION strata_timezone(text);
    DROP TABLE strata_timezones;
  `.execute(db);
}
