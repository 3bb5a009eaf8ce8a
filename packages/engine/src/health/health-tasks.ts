import { z } from 'zod';
import {
  enqueueSegmentWork,
  forEachWorkspace,
  inWorkspaceTransaction,
  listManualHealthValues,
  lockProfiles,
  saveHealthRecompute,
  workspaceScope,
  type ChangeCause,
  type WorkspaceScope,
} from '@strata/storage';
import { healthTopic, type Target } from '@strata/core';
import { enqueue, type Task } from '../jobs/index.js';
import { recomputeHealth } from './compute-health.js';
import { recomputeProfileHistory } from './health-history.js';
import { isFieldModel, workspaceHealthModel, workspaceHealthModels, type WorkspaceHealthModel } from './health-models.js';

/** Profiles rescored per transaction. */
const batchSize = 200;
/** How many days of history a model change recomputes. */
export const historyDays = 90;

async function profileIdsOf(scope: WorkspaceScope, target: Target): Promise<string[]> {
  const rows =
    target === 'account'
      ? await scope.db
          .selectFrom('accounts')
          .select('account_id as id')
          .where('workspace_id', '=', scope.workspaceId)
          .orderBy('id')
          .execute()
      : await scope.db.selectFrom('people').select('person_id as id').where('workspace_id', '=', scope.workspaceId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/**
 * Rescores every profile of a workspace that a model scores (its accounts, or its people), a
 * batch per transaction, and queues segment work (`health` topic) for the profiles whose rule
 * fields changed (when rule fields read the model: `isFieldModel`).
 */
export async function rescoreWorkspace(
  scope: WorkspaceScope,
  model: WorkspaceHealthModel,
  cause: ChangeCause,
  onBatch?: (done: number, total: number, tx: WorkspaceScope) => Promise<void>,
  perProfile?: (tx: WorkspaceScope, profileId: string) => Promise<void>,
): Promise<number> {
  const ids = await profileIdsOf(scope, model.target);
  const readByFields = isFieldModel(model, await workspaceHealthModels(scope));
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    await inWorkspaceTransaction(scope, async (tx) => {
      await lockProfiles(tx, batch);
      if (perProfile) for (const id of batch) await perProfile(tx, id);
      const { changed } = await recomputeHealth(tx, model, batch);
      if (readByFields)
        await enqueueSegmentWork(
          tx,
          changed.map((profileId) => ({ target: model.target, profileId, topics: [healthTopic], cause })),
        );
      await onBatch?.(Math.min(start + batchSize, ids.length), ids.length, tx);
    });
  }
  return ids.length;
}

type RefreshPayload = { workspaceId?: string | undefined };

/**
 * Rescores every account and person daily, so scores follow time (windows that slide, renewals that near)
 * and each day has its history row.
 */
export const refreshHealthTask: Task<RefreshPayload> = {
  name: 'refresh-health',
  payload: z.object({ workspaceId: z.string().optional() }).passthrough(),
  singleton: true,
  schedule: '10 0 * * *',
  maxAttempts: 3,
  async run(payload, { db, now, log }) {
    const refresh = async (scope: WorkspaceScope) => {
      for (const model of await workspaceHealthModels(scope)) {
        const profiles = await rescoreWorkspace(scope, model, { kind: 'time' });
        log('info', 'health refreshed', { workspaceId: scope.workspaceId, model: model.key, target: model.target, profiles });
      }
    };
    if (payload.workspaceId) await refresh(workspaceScope(db, payload.workspaceId, now));
    else await forEachWorkspace(db, now, refresh);
  },
};

type HistoryPayload = { workspaceId: string; modelKey: string };

/**
 * After a model changes: its history of the last `historyDays` days recomputed from the data, then
 * the current scores, with progress (`health_recomputes`: done of total profiles, accounts or people).
 */
export const recomputeHealthHistoryTask: Task<HistoryPayload> = {
  name: 'recompute-health-history',
  payload: z.object({ workspaceId: z.string(), modelKey: z.string() }).passthrough(),
  maxAttempts: 3,
  async run(payload, { db, now, lastAttempt }) {
    const scope = workspaceScope(db, payload.workspaceId, now);
    const model = await workspaceHealthModel(scope, payload.modelKey);
    if (!model) return;
    await recomputeHealthHistory(scope, model).catch(async (error: unknown) => {
      if (lastAttempt) await markRecompute(scope, model.key, 'failed', 0, 0, error instanceof Error ? error.message : String(error));
      throw error;
    });
  },
};

/** Recomputes a model's history and current scores, recording progress; exported for the CLI and tests. */
export async function recomputeHealthHistory(scope: WorkspaceScope, model: WorkspaceHealthModel): Promise<void> {
  const startedAt = scope.clock();
  await markRecompute(scope, model.key, 'running', 0, 0, null, startedAt);
  let total = 0;
  await rescoreWorkspace(
    scope,
    model,
    { kind: 'rule-change', version: model.version },
    async (done, all, tx) => {
      total = all;
      await markRecompute(tx, model.key, 'running', done, all, null, startedAt);
    },
    async (tx, profileId) => {
      const manual = new Map((await listManualHealthValues(tx, model.target, model.key, [profileId])).map((v) => [v.measureKey, v.value]));
      await recomputeProfileHistory(tx, model, profileId, historyDays, manual);
    },
  );
  await saveHealthRecompute(scope, {
    modelKey: model.key,
    status: 'done',
    done: total,
    total,
    error: null,
    startedAt,
    finishedAt: scope.clock(),
  });
}

async function markRecompute(
  scope: WorkspaceScope,
  modelKey: string,
  status: 'running' | 'failed',
  done: number,
  total: number,
  error: string | null,
  startedAt = scope.clock(),
): Promise<void> {
  await saveHealthRecompute(scope, {
    modelKey,
    status,
    done,
    total,
    error,
    startedAt,
    finishedAt: status === 'failed' ? scope.clock() : null,
  });
}

/** Queues a model's history recompute, in the caller's transaction (one pending per model). */
export async function requestHealthRecompute(tx: WorkspaceScope, modelKey: string): Promise<void> {
  await saveHealthRecompute(tx, { modelKey, status: 'running', done: 0, total: 0, error: null, startedAt: tx.clock(), finishedAt: null });
  await enqueue(
    tx.db,
    recomputeHealthHistoryTask,
    { workspaceId: tx.workspaceId, modelKey },
    { key: `health-history:${tx.workspaceId}:${modelKey}` },
  );
}
