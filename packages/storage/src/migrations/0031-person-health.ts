import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Health scores of people, under person models: the same shape as accounts' (0019) keyed by
 * `person_id`: the current score with each measure's part, one row per day of history, values
 * set by hand, and the queue of people the live engine must score again. A band change names its
 * person or its account, never both.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE person_health (
      workspace_id uuid NOT NULL,
      model_key text NOT NULL,
      person_id uuid NOT NULL,
      model_version integer NOT NULL,
      score double precision NOT NULL,
      band text,
      trend text NOT NULL CHECK (trend IN ('up', 'down', 'flat')),
      measures jsonb NOT NULL,
      computed_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, model_key, person_id),
      FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, person_id) ON DELETE CASCADE
    );
    CREATE INDEX person_health_person ON person_health (workspace_id, person_id);
    CREATE TABLE person_health_days (
      workspace_id uuid NOT NULL,
      model_key text NOT NULL,
      person_id uuid NOT NULL,
      day date NOT NULL,
      score double precision NOT NULL,
      band text,
      PRIMARY KEY (workspace_id, model_key, person_id, day),
      FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, person_id) ON DELETE CASCADE
    );
    CREATE TABLE person_health_manual_values (
      workspace_id uuid NOT NULL,
      model_key text NOT NULL,
      person_id uuid NOT NULL,
      measure_key text NOT NULL,
      value double precision NOT NULL,
      set_by text NOT NULL,
      set_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, model_key, person_id, measure_key),
      FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, person_id) ON DELETE CASCADE
    );
    CREATE TABLE person_health_work (
      workspace_id uuid NOT NULL,
      person_id uuid NOT NULL,
      cause jsonb NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, person_id),
      FOREIGN KEY (workspace_id, person_id) REFERENCES people (workspace_id, person_id) ON DELETE CASCADE
    );
    CREATE INDEX person_health_work_queued ON person_health_work (workspace_id, queued_at);
    ALTER TABLE health_band_changes
      ALTER COLUMN account_id DROP NOT NULL,
      ADD COLUMN person_id uuid,
      ADD CONSTRAINT health_band_changes_one_profile CHECK ((account_id IS NULL) <> (person_id IS NULL))
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM health_band_changes WHERE person_id IS NOT NULL;
    ALTER TABLE health_band_changes DROP CONSTRAINT health_band_changes_one_profile, DROP COLUMN person_id,
      ALTER COLUMN account_id SET NOT NULL;
    DROP TABLE person_health_work, person_health_manual_values, person_health_days, person_health
  `.execute(db);
}
