import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A value a person set by hand for an account's manual measure, with who and when. */
export interface ManualHealthValue {
  modelKey: string;
  accountId: string;
  measureKey: string;
  value: number;
  setBy: string;
  setAt: Date;
}

export async function saveManualHealthValue(scope: WorkspaceScope, value: ManualHealthValue): Promise<void> {
  const row = { value: value.value, set_by: value.setBy, set_at: value.setAt };
  await scope.db
    .insertInto('health_manual_values')
    .values({
      workspace_id: scope.workspaceId,
      model_key: value.modelKey,
      account_id: value.accountId,
      measure_key: value.measureKey,
      ...row,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'model_key', 'account_id', 'measure_key']).doUpdateSet(row))
    .execute();
}

/** The hand-set values of some accounts under a model. */
export async function listManualHealthValues(
  scope: WorkspaceScope,
  modelKey: string,
  accountIds: readonly string[],
): Promise<ManualHealthValue[]> {
  if (accountIds.length === 0) return [];
  const rows = await scope.db
    .selectFrom('health_manual_values')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('model_key', '=', modelKey)
    .where(sql<boolean>`account_id = ANY(${[...accountIds]}::uuid[])`)
    .execute();
  return rows.map((r) => ({
    modelKey: r.model_key,
    accountId: r.account_id,
    measureKey: r.measure_key,
    value: r.value,
    setBy: r.set_by,
    setAt: r.set_at,
  }));
}
