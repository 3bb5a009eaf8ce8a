import type { WorkspaceScope } from '../workspace-scope.js';

/** A stored model: its key, version and checked definition (core's `HealthModel` without the key, as JSON). */
export interface StoredHealthModel {
  key: string;
  version: number;
  definition: unknown;
  updatedAt: Date;
}

export async function listHealthModels(scope: WorkspaceScope): Promise<StoredHealthModel[]> {
  const rows = await scope.db
    .selectFrom('health_models')
    .select(['model_key', 'version', 'definition', 'updated_at'])
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('model_key')
    .execute();
  return rows.map((r) => ({ key: r.model_key, version: r.version, definition: r.definition, updatedAt: r.updated_at }));
}

export async function findHealthModel(scope: WorkspaceScope, key: string): Promise<StoredHealthModel | undefined> {
  return (await listHealthModels(scope)).find((m) => m.key === key);
}

/**
 * Stores a model's new version (the first is 1, or `after + 1` when replacing a built-in one at
 * version `after`) and keeps every version; returns the version written.
 */
export async function saveHealthModel(scope: WorkspaceScope, key: string, definition: unknown, after = 0): Promise<number> {
  const { db, workspaceId } = scope;
  const current = await db
    .selectFrom('health_model_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('workspace_id', '=', workspaceId)
    .where('model_key', '=', key)
    .executeTakeFirst();
  const version = Math.max(current?.version ?? 0, after) + 1;
  const json = JSON.stringify(definition);
  await db.insertInto('health_model_versions').values({ workspace_id: workspaceId, model_key: key, version, definition: json }).execute();
  await db
    .insertInto('health_models')
    .values({ workspace_id: workspaceId, model_key: key, version, definition: json })
    .onConflict((oc) => oc.columns(['workspace_id', 'model_key']).doUpdateSet({ version, definition: json, updated_at: new Date() }))
    .execute();
  return version;
}

/** Removes a model with its scores, history and hand-set values; its versions stay for the record. Returns whether it existed. */
export async function deleteHealthModel(scope: WorkspaceScope, key: string): Promise<boolean> {
  const { db, workspaceId } = scope;
  const tables = [
    'account_health',
    'account_health_days',
    'health_manual_values',
    'person_health',
    'person_health_days',
    'person_health_manual_values',
    'health_recomputes',
  ] as const;
  for (const table of tables) await db.deleteFrom(table).where('workspace_id', '=', workspaceId).where('model_key', '=', key).execute();
  const deleted = await db
    .deleteFrom('health_models')
    .where('workspace_id', '=', workspaceId)
    .where('model_key', '=', key)
    .executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}
