import type { WorkspaceScope } from '../workspace-scope.js';

/** A model's history recompute: how far it got, and how it ended. */
export interface HealthRecompute {
  modelKey: string;
  status: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Starts, advances or ends a model's recompute (one row per model: the latest run). */
export async function saveHealthRecompute(scope: WorkspaceScope, run: HealthRecompute): Promise<void> {
  const row = {
    status: run.status,
    done: run.done,
    total: run.total,
    error: run.error,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
  };
  await scope.db
    .insertInto('health_recomputes')
    .values({ workspace_id: scope.workspaceId, model_key: run.modelKey, ...row })
    .onConflict((oc) => oc.columns(['workspace_id', 'model_key']).doUpdateSet(row))
    .execute();
}

export async function findHealthRecompute(scope: WorkspaceScope, modelKey: string): Promise<HealthRecompute | undefined> {
  const r = await scope.db
    .selectFrom('health_recomputes')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('model_key', '=', modelKey)
    .executeTakeFirst();
  return (
    r && {
      modelKey: r.model_key,
      status: r.status,
      done: r.done,
      total: r.total,
      error: r.error,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    }
  );
}
