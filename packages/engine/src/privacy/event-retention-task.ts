import { z } from 'zod';
import { applyEventRetention, inWorkspaceTransaction, pruneEventSummaries, workspaceScope } from '@strata/storage';
import type { Task } from '../jobs/index.js';

/**
 * Nightly: drops each workspace's raw events past its retention (PUT /api/v1/settings/retention),
 * and prunes the event summaries' lists of times to their horizon.
 */
export const eventRetentionTask: Task<{ workspaceId?: string | undefined }> = {
  name: 'apply-event-retention',
  payload: z.object({ workspaceId: z.string().optional() }).passthrough(),
  singleton: true,
  schedule: '15 3 * * *',
  maxAttempts: 3,
  async run(_payload, { db, now, log }) {
    const outcome = await applyEventRetention(db, now());
    if (outcome.truncated.length > 0 || Object.keys(outcome.deleted).length > 0)
      log('info', 'raw events past retention dropped', { ...outcome });
    const at = now();
    for (const { workspace_id: workspaceId } of await db.selectFrom('workspaces').select('workspace_id').execute())
      await inWorkspaceTransaction(
        workspaceScope(db, workspaceId, () => at),
        (scope) => pruneEventSummaries(scope, at),
      );
  },
};
