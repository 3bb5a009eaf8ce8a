import { defaultHealthModelKey, quadrantOf, valueModelKey, type Quadrant } from '@strata/core';
import { inWorkspaceTransaction, lockProfiles, readQuadrantThresholds, type WorkspaceScope } from '@strata/storage';
import { recomputeHealth } from './compute-health.js';
import { workspaceHealthModel } from './health-models.js';

/** One point of the value x health scatter. */
export interface QuadrantPoint {
  groupId: string;
  value: number;
  health: number;
  quadrant: Quadrant;
}

const batchSize = 200;

/**
 * Every account's value and health score with its quadrant under the workspace's thresholds.
 * Accounts not scored yet under either model are scored first (a batch per transaction).
 */
export async function quadrantPoints(scope: WorkspaceScope): Promise<QuadrantPoint[]> {
  const unscored = await scope.db
    .selectFrom('accounts as a')
    .select('a.account_id')
    .where('a.workspace_id', '=', scope.workspaceId)
    .where((eb) =>
      eb.or(
        [defaultHealthModelKey, valueModelKey].map((key) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('account_health as h')
                .select('h.account_id')
                .whereRef('h.workspace_id', '=', 'a.workspace_id')
                .whereRef('h.account_id', '=', 'a.account_id')
                .where('h.model_key', '=', key),
            ),
          ),
        ),
      ),
    )
    .orderBy('a.account_id')
    .execute();
  const ids = unscored.map((r) => r.account_id);
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    await inWorkspaceTransaction(scope, async (tx) => {
      await lockProfiles(tx, batch);
      for (const key of [defaultHealthModelKey, valueModelKey]) await recomputeHealth(tx, (await workspaceHealthModel(tx, key))!, batch);
    });
  }
  const thresholds = await readQuadrantThresholds(scope);
  const rows = await scope.db
    .selectFrom('account_health as h')
    .innerJoin('account_health as v', (j) =>
      j.onRef('v.workspace_id', '=', 'h.workspace_id').onRef('v.account_id', '=', 'h.account_id').on('v.model_key', '=', valueModelKey),
    )
    .innerJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'h.workspace_id').onRef('a.account_id', '=', 'h.account_id'))
    .select(['a.group_id', 'h.score as health', 'v.score as value'])
    .where('h.workspace_id', '=', scope.workspaceId)
    .where('h.model_key', '=', defaultHealthModelKey)
    .orderBy('a.group_id')
    .execute();
  return rows.map((r) => ({ groupId: r.group_id, value: r.value, health: r.health, quadrant: quadrantOf(r.value, r.health, thresholds) }));
}
