import { assessOnLaterPeriod, predictChurn, type LabelledExamples } from '@strata/core';
import {
  churnHorizonDays,
  deleteChurnScoresExcept,
  enqueueSegmentWork,
  findChurnModel,
  findEarliestAccountStart,
  inWorkspaceTransaction,
  listAccountFeatures,
  listChurnExamples,
  listChurnFeatures,
  markChurnModelFailed,
  markChurnModelTraining,
  saveChurnModel,
  setChurnScoringProgress,
  upsertChurnScores,
  type ChurnFeature,
  type ChurnLabel,
  type ChurnModelAssessment,
  type WorkspaceScope,
} from '@strata/storage';
import { churnBandOf } from './churn-bands.js';
import { churnRiskTopic } from './churn-risk-field.js';
import { churnSnapshots } from './churn-snapshots.js';

/** Accounts scored per transaction: progress shows between them. */
const scoringBatch = 500;

export type ChurnTrainingOutcome =
  | { status: 'trained'; version: number; auc: number | null; trainingSize: number; tested: number; scored: number }
  | { status: 'failed'; error: string };

/** The accounts at each instant as examples, one after the other, grouped by account. */
async function examplesAt(
  scope: WorkspaceScope,
  features: ChurnFeature[],
  instants: readonly Date[],
  label: ChurnLabel,
): Promise<LabelledExamples> {
  const rows = [];
  const outcomes = [];
  const groups = [];
  for (const instant of instants) {
    const snapshot = await listChurnExamples(scope, features, instant, label);
    rows.push(...snapshot.accounts.map((a) => a.row));
    outcomes.push(...snapshot.outcomes);
    groups.push(...snapshot.accounts.map((a) => a.accountId));
  }
  return { specs: features, rows, outcomes, groups };
}

/**
 * Trains the workspace's churn model on its own history and scores its accounts. The model is
 * measured on held-out later snapshots after training on earlier ones (`churnSnapshots`); the
 * model kept is then trained on all of them and scores every account that has not churned, as of now.
 */
export async function trainWorkspaceChurnModel(scope: WorkspaceScope): Promise<ChurnTrainingOutcome> {
  const now = scope.clock();
  await markChurnModelTraining(scope);
  const stored = await findChurnModel(scope);
  const keep = stored?.keepFeatures ?? [];
  const label: ChurnLabel = { segment: stored?.labelSegment ?? null };
  const features = await listChurnFeatures(scope);
  const snapshots = churnSnapshots(now, churnHorizonDays, (await findEarliestAccountStart(scope)) ?? now);
  const earlier = await examplesAt(scope, features, snapshots.training, label);
  const later = await examplesAt(scope, features, snapshots.heldOut, label);
  if (earlier.rows.length === 0 || later.rows.length === 0) {
    const needed = (snapshots.heldOut.length - 1) * 30 + 2 * churnHorizonDays;
    const error = `too little history: the churn model needs accounts that began at least ${needed} days ago, to train on one period and measure on a later one`;
    await markChurnModelFailed(scope, error);
    return { status: 'failed', error };
  }
  const assessed = assessOnLaterPeriod(earlier, later, { keep });
  const assessment: ChurnModelAssessment = {
    quality: assessed.quality,
    leaks: assessed.leaks,
    identifiers: assessed.identifiers,
    warnings: assessed.warnings,
    features: assessed.features,
    trainingSize: earlier.rows.length,
    trainedAsOf: snapshots.training.map((t) => t.toISOString()),
    testedAsOf: snapshots.heldOut.map((t) => t.toISOString()),
    horizonDays: churnHorizonDays,
  };
  const current = await listAccountFeatures(scope, features, now, label);
  const version = await saveChurnModel(scope, assessed.model, assessment, now, current.length);

  const queueWork = async (tx: WorkspaceScope, accountIds: string[]) =>
    // Segments on churn_risk follow the new scores through the live engine.
    enqueueSegmentWork(
      tx,
      accountIds.map((profileId) => ({ target: 'account', profileId, topics: [churnRiskTopic], cause: { kind: 'recompute' } })),
    );
  for (let start = 0; start < current.length; start += scoringBatch) {
    await inWorkspaceTransaction(scope, async (tx) => {
      const batch = current.slice(start, start + scoringBatch).map((account) => {
        const { probability, contributions } = predictChurn(assessed.model, account.row);
        return {
          accountId: account.accountId,
          probability,
          band: churnBandOf(probability),
          contributions,
          modelVersion: version,
          scoredAt: now,
        };
      });
      await queueWork(tx, await upsertChurnScores(tx, batch));
      if (start + scoringBatch < current.length) await setChurnScoringProgress(tx, start + scoringBatch, current.length);
    });
  }
  await inWorkspaceTransaction(scope, async (tx) => {
    // Accounts that churned since the last run lose their score: churn_risk reads them as missing.
    const removed = await deleteChurnScoresExcept(
      tx,
      current.map((a) => a.accountId),
    );
    await queueWork(tx, removed);
    await setChurnScoringProgress(tx, current.length, current.length);
  });
  return {
    status: 'trained',
    version,
    auc: assessed.quality.auc,
    trainingSize: earlier.rows.length,
    tested: later.rows.length,
    scored: current.length,
  };
}
