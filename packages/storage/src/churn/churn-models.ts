import type { ChurnModel, Leak, ProbabilityQuality, ChurnWarning } from '@strata/core';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** How a trained model was measured: on accounts as of a later instant than those it learned from. */
export interface ChurnModelAssessment {
  quality: ProbabilityQuality;
  leaks: Leak[];
  /** Categories left out as identifiers of the account. */
  identifiers: string[];
  warnings: ChurnWarning[];
  features: string[];
  /** Examples (an account at one snapshot) the measured model learned from, at the `trainedAsOf` instants. */
  trainingSize: number;
  trainedAsOf: string[];
  /** The held-out later period's snapshots: their examples are what `quality` is measured on. */
  testedAsOf: string[];
  horizonDays: number;
}

export interface ChurnModelRecord {
  status: Database['churn_models']['status'];
  version: number;
  model: ChurnModel | null;
  assessment: ChurnModelAssessment | null;
  keepFeatures: string[];
  /** The segment whose first entry is an account's churn; null: churn is read from traits (`churned_at`, statuses). */
  labelSegment: string | null;
  error: string | null;
  requestedAt: Date | null;
  trainedAt: Date | null;
  scored: number | null;
  toScore: number | null;
}

export async function findChurnModel(scope: WorkspaceScope): Promise<ChurnModelRecord | undefined> {
  const row = await scope.db.selectFrom('churn_models').selectAll().where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
  if (!row) return undefined;
  return {
    status: row.status,
    version: row.version,
    model: row.model as ChurnModel | null,
    assessment: row.assessment as ChurnModelAssessment | null,
    keepFeatures: row.keep_features,
    labelSegment: row.label_segment,
    error: row.error,
    requestedAt: row.requested_at,
    trainedAt: row.trained_at,
    scored: row.scored,
    toScore: row.to_score,
  };
}

/**
 * Marks a run as asked for (keeping the features the user keeps and the label segment, when
 * given; null returns to the trait label); the model so far stays in use.
 */
export async function markChurnModelQueued(
  scope: WorkspaceScope,
  at: Date,
  keepFeatures?: readonly string[],
  labelSegment?: string | null,
): Promise<void> {
  const keep = {
    ...(keepFeatures === undefined ? {} : { keep_features: [...keepFeatures] }),
    ...(labelSegment === undefined ? {} : { label_segment: labelSegment }),
  };
  await scope.db
    .insertInto('churn_models')
    .values({ workspace_id: scope.workspaceId, status: 'queued', requested_at: at, ...keep })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ status: 'queued', requested_at: at, error: null, ...keep }))
    .execute();
}

export async function markChurnModelTraining(scope: WorkspaceScope): Promise<void> {
  await scope.db
    .insertInto('churn_models')
    .values({ workspace_id: scope.workspaceId, status: 'training' })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ status: 'training', error: null, scored: null, to_score: null }))
    .execute();
}

/**
 * Stores a newly trained model as the next version, with `toScore` accounts still to score (the
 * run is done when `scored` reaches it); answers that version.
 */
export async function saveChurnModel(
  scope: WorkspaceScope,
  model: ChurnModel,
  assessment: ChurnModelAssessment,
  trainedAt: Date,
  toScore: number,
): Promise<number> {
  const row = await scope.db
    .updateTable('churn_models')
    .set((eb) => ({
      status: 'trained',
      version: eb('version', '+', 1),
      model: JSON.stringify(model),
      assessment: JSON.stringify(assessment),
      trained_at: trainedAt,
      error: null,
      scored: 0,
      to_score: toScore,
    }))
    .where('workspace_id', '=', scope.workspaceId)
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

export async function markChurnModelFailed(scope: WorkspaceScope, error: string): Promise<void> {
  await scope.db.updateTable('churn_models').set({ status: 'failed', error }).where('workspace_id', '=', scope.workspaceId).execute();
}

export async function setChurnScoringProgress(scope: WorkspaceScope, scored: number, toScore: number): Promise<void> {
  await scope.db.updateTable('churn_models').set({ scored, to_score: toScore }).where('workspace_id', '=', scope.workspaceId).execute();
}
