import { sql, type Kysely } from 'kysely';

/**
 * What compiled segment rules read besides people, accounts and events: typed readers of JSON
 * values (which must agree exactly with the in-memory evaluator), tickets and surveys (the
 * support-data work adds to them), and the materialised members of segments.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A JSON value as the type a rule expects, or NULL when it is missing or of another type.
    CREATE FUNCTION strata_text(value jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT CASE WHEN jsonb_typeof(value) = 'string' THEN value #>> '{}' END $$;
    CREATE FUNCTION strata_number(value jsonb) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::numeric END $$;
    CREATE FUNCTION strata_boolean(value jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT CASE WHEN jsonb_typeof(value) = 'boolean' THEN (value #>> '{}')::boolean END $$;
    CREATE FUNCTION strata_array(value jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT CASE WHEN jsonb_typeof(value) = 'array' THEN value END $$;
    CREATE FUNCTION strata_object(value jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT CASE WHEN jsonb_typeof(value) = 'object' THEN value END $$;

    -- ISO-8601 text as an instant: a date alone is midnight UTC, a time without offset is UTC,
    -- at most millisecond precision; anything else, an impossible date included, is NULL.
    -- Mirrors isoTime() in core. Plain SQL without an exception block, so the planner inlines it.
    CREATE FUNCTION strata_timestamptz(value text) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN value ~ '^[1-9]\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])([T ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,3})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)?)?$' THEN
        CASE WHEN substr(value, 9, 2)::int <= extract(day from make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, 1) + interval '1 month - 1 day') THEN
          (CASE WHEN length(value) = 10 THEN value || 'T00:00:00+00:00'
                WHEN value ~ '(Z|[+-]\\d{2}:\\d{2})$' THEN value
                ELSE value || '+00:00' END)::timestamptz
        END
      END
    $$;
    CREATE FUNCTION strata_timestamptz(value jsonb) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT strata_timestamptz(strata_text(value)) $$;

    -- Rules aggregate events by name and time across all people at once (see compile-rule.ts).
    -- Covering, so those scans read only the index once the visibility map is set.
    CREATE INDEX events_name_time ON events (workspace_id, name, timestamp) INCLUDE (person_id, account_id);

    CREATE TABLE tickets (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      ticket_id uuid NOT NULL,
      person_id uuid,
      account_id uuid,
      priority text,
      status text,
      channel text,
      subject text,
      csat numeric,
      sentiment numeric,
      sentiment_label text,
      language text,
      first_response_minutes numeric,
      resolution_minutes numeric,
      reopen_count integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL,
      solved_at timestamptz,
      PRIMARY KEY (workspace_id, ticket_id)
    );
    CREATE INDEX tickets_person ON tickets (workspace_id, person_id, created_at);
    CREATE INDEX tickets_account ON tickets (workspace_id, account_id, created_at);

    CREATE TABLE surveys (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      survey_id uuid NOT NULL,
      person_id uuid,
      account_id uuid,
      kind text,
      nps numeric,
      csat numeric,
      score numeric,
      comment text,
      submitted_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, survey_id)
    );
    CREATE INDEX surveys_person ON surveys (workspace_id, person_id, submitted_at);
    CREATE INDEX surveys_account ON surveys (workspace_id, account_id, submitted_at);

    CREATE TABLE segment_members (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      segment_key text NOT NULL,
      member_id uuid NOT NULL,
      entered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, segment_key, member_id)
    );
    CREATE INDEX segment_members_member ON segment_members (workspace_id, member_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE segment_members, surveys, tickets;
    DROP INDEX events_name_time;
    DROP FUNCTION strata_timestamptz(jsonb), strata_timestamptz(text), strata_object(jsonb), strata_array(jsonb),
      strata_boolean(jsonb), strata_number(jsonb), strata_text(jsonb);
  `.execute(db);
}
