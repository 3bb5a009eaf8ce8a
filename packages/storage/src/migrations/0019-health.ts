import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Health scores. A workspace's models, each version kept (the checked definition as JSON, its
 * measures' programs included); no stored `default` means the built-in one. Per account and model:
 * the current score with each measure's part, one row per day of history, values a CSM set by
 * hand (with who and when), and band changes as a log in `(txid, change_id)` order that
 * subscribers read like `segment_changes`. A model's history recompute records its progress.
 * The quadrant's thresholds are a workspace setting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Workspace health settings: the value x health quadrant's thresholds (null: the defaults).
    ALTER TABLE workspaces ADD COLUMN health_settings jsonb;
    CREATE TABLE health_models (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      model_key text NOT NULL CHECK (model_key ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
      version integer NOT NULL,
      definition jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, model_key)
    );
    CREATE TABLE health_model_versions (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      model_key text NOT NULL,
      version integer NOT NULL,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, model_key, version)
    );
    CREATE TABLE account_health (
      workspace_id uuid NOT NULL,
      model_key text NOT NULL,
      account_id uuid NOT NULL,
      model_version integer NOT NULL,
      score double precision NOT NULL,
      band text,
      trend text NOT NULL CHECK (trend IN ('up', 'down', 'flat')),
      measures jsonb NOT NULL,
      computed_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, model_key, account_id),
      FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, account_id) ON DELETE CASCADE
    );
    CREATE INDEX account_health_account ON account_health (workspace_id, account_id);
    CREATE TABLE account_health_days (
      workspace_id uuid NOT NULL,
      model_key text NOT NULL,
      account_id uuid NOT NULL,
      day date NOT NULL,
      score double precision NOT NULL,
      band text,
      PRIMARY KEY (workspace_id, model_key, account_id, day),
      FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, account_id) ON DELETE CASCADE
    );
    CREATE TABLE health_manual_values (
      workspace_id uuid NOT NULL,
      model_key text NOT NULL,
      account_id uuid NOT NULL,
      measure_key text NOT NULL,
      value double precision NOT NULL,
      set_by text NOT NULL,
      set_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, model_key, account_id, measure_key),
      FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, account_id) ON DELETE CASCADE
    );
    CREATE TABLE health_band_changes (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      change_id bigserial NOT NULL,
      model_key text NOT NULL,
      account_id uuid NOT NULL,
      from_band text,
      to_band text,
      score double precision NOT NULL,
      at timestamptz NOT NULL,
      txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      PRIMARY KEY (workspace_id, change_id)
    );
    CREATE INDEX health_band_changes_log ON health_band_changes (workspace_id, txid, change_id);
    CREATE TABLE health_recomputes (
      workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
      model_key text NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
      done integer NOT NULL DEFAULT 0,
      total integer NOT NULL DEFAULT 0,
      error text,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      PRIMARY KEY (workspace_id, model_key)
    )
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE health_recomputes, health_band_changes, health_manual_values, account_health_days, account_health,
      health_model_versions, health_models;
    ALTER TABLE workspaces DROP COLUMN health_settings
  `.execute(db);
}
