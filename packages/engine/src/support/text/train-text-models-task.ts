import { z } from 'zod';
import { forEachWorkspace, markTextModelQueued, workspaceScope, type WorkspaceScope } from '@strata/storage';
import { enqueue, type Task } from '../../jobs/index.js';
import { trainWorkspaceSentiment } from './train-sentiment.js';
import { trainWorkspaceTopics } from './train-topics.js';
import { forgetWorkspaceTextSettings } from './workspace-text-settings.js';

type TrainPayload = { workspaceId?: string | undefined; rescore?: boolean | undefined };

/**
 * Trains workspaces' topic and sentiment models: nightly for every workspace, and on demand for
 * one (POST /api/v1/text-models/sentiment/train), optionally re-scoring its open tickets.
 */
export const trainTextModelsTask: Task<TrainPayload> = {
  name: 'train-text-models',
  payload: z.object({ workspaceId: z.string().optional(), rescore: z.boolean().optional() }).passthrough(),
  singleton: true,
  schedule: '45 3 * * *',
  maxAttempts: 3,
  async run(payload, { db, now, log }) {
    const train = async (scope: WorkspaceScope) => {
      const topics = await trainWorkspaceTopics(scope);
      forgetWorkspaceTextSettings(scope.workspaceId);
      log('info', 'topic model trained', { workspaceId: scope.workspaceId, ...topics });
      const outcome = await trainWorkspaceSentiment(scope, { rescore: payload.rescore ?? false });
      log('info', 'sentiment model trained', { workspaceId: scope.workspaceId, ...outcome });
    };
    if (payload.workspaceId) await train(workspaceScope(db, payload.workspaceId, now));
    else await forEachWorkspace(db, now, train);
  },
};

/** Queues a training run for one workspace, in the caller's transaction. */
export async function requestSentimentTraining(tx: WorkspaceScope, options: { rescore: boolean }): Promise<void> {
  await markTextModelQueued(tx, 'sentiment', tx.clock());
  await enqueue(
    tx.db,
    trainTextModelsTask,
    { workspaceId: tx.workspaceId, rescore: options.rescore },
    { key: `train-sentiment:${tx.workspaceId}` },
  );
}
