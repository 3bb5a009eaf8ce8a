import { z } from 'zod';
import { forEachWorkspace, markChurnModelFailed, markChurnModelQueued, workspaceScope, type WorkspaceScope } from '@strata/storage';
import { enqueue, type Task } from '../jobs/index.js';
import { trainWorkspaceChurnModel } from './train-churn-model.js';

type TrainPayload = { workspaceId?: string | undefined };

/**
 * Retrains workspaces' churn models and rescores their accounts: nightly for every workspace, and
 * on demand for one (POST /api/v1/churn-model/train).
 */
export const trainChurnModelTask: Task<TrainPayload> = {
  name: 'train-churn-model',
  payload: z.object({ workspaceId: z.string().optional() }).passthrough(),
  singleton: true,
  schedule: '15 4 * * *',
  maxAttempts: 3,
  async run(payload, { db, now, log, lastAttempt }) {
    const train = async (scope: WorkspaceScope) => {
      try {
        const outcome = await trainWorkspaceChurnModel(scope);
        log(outcome.status === 'trained' ? 'info' : 'warn', 'churn model trained', { workspaceId: scope.workspaceId, ...outcome });
      } catch (error) {
        // The last attempt records the failure where the user sees it (GET /api/v1/churn-model).
        if (lastAttempt) await markChurnModelFailed(scope, error instanceof Error ? error.message : String(error));
        throw error;
      }
    };
    if (payload.workspaceId) await train(workspaceScope(db, payload.workspaceId, now));
    else await forEachWorkspace(db, now, train);
  },
};

/** Queues a training run for one workspace in the caller's transaction; `keep` replaces the leaks the user keeps. */
export async function requestChurnTraining(
  tx: WorkspaceScope,
  options: { keep?: readonly string[]; labelSegment?: string | null } = {},
): Promise<void> {
  await markChurnModelQueued(tx, tx.clock(), options.keep, options.labelSegment);
  await enqueue(tx.db, trainChurnModelTask, { workspaceId: tx.workspaceId }, { key: `train-churn-model:${tx.workspaceId}` });
}
