import { sql, type Kysely } from 'kysely';
import { enableWorkspaceRowLevelSecurity } from '../row-level-security.js';

/**
 * Churn risk. Per workspace one churn model: the trained logistic regression (JSON), its quality
 * measured on a held-out later period, the features the leak guard left out and those the user
 * keeps anyway, and the progress of a training run. Per account its latest score: probability,
 * band and the contributions behind it, stored so that `churn_risk` in rules reads one row and
 * segments on it stay live (a new score queues segment work with topic `churn-risk`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE churn_models (
      workspace_id uuid PRIMARY KEY REFERENCES workspaces ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('queued', 'training', 'trained', 'failed')),
      version integer NOT NULL DEFAULT 0,
      model jsonb,
      assessment jsonb,
      keep_features text[] NOT NULL DEFAULT '{}',
      error text,
      requested_at timestamptz,
      trained_at timestamptz,
      scored integer,
      to_score integer
    )
  `.execute(db);
  await sql`
    CREATE TABLE churn_scores (
      workspace_id uuid NOT NULL,
      account_id uuid NOT NULL,
      probability double precision NOT NULL CHECK (probability BETWEEN 0 AND 1),
      band text NOT NULL CHECK (band IN ('low', 'medium', 'high')),
      contributions jsonb NOT NULL,
      model_version integer NOT NULL,
      scored_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, account_id),
      FOREIGN KEY (workspace_id, account_id) REFERENCES accounts ON DELETE CASCADE
    )
  `.execute(db);
  await enableWorkspaceRowLevelSecurity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE churn_scores`.execute(db);
  await sql`DROP TABLE churn_models`.execute(db);
}
