import type { WorkspaceScope } from '../workspace-scope.js';

/** A snapshot backfill: the days it covers, how far it got, and how it ended. */
export interface AnalyticsBackfill {
  id: string;
  fromDay: string;
  toDay: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** Segment-days computed, of all the range's segment-days. */
  done: number;
  total: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Starts, advances or ends a backfill (one row per run). */
export async function saveAnalyticsBackfill(scope: WorkspaceScope, run: AnalyticsBackfill): Promise<void> {
  const row = {
    status: run.status,
    done: run.done,
    total: run.total,
    error: run.error,
    finished_at: run.finishedAt,
  };
  await scope.db
    .insertInto('analytics_backfills')
    .values({
      workspace_id: scope.workspaceId,
      backfill_id: run.id,
      from_day: run.fromDay,
      to_day: run.toDay,
      started_at: run.startedAt,
      ...row,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'backfill_id']).doUpdateSet(row))
    .execute();
}

/** One backfill by id, if this workspace ran it. */
export async function findAnalyticsBackfill(scope: WorkspaceScope, id: string): Promise<AnalyticsBackfill | undefined> {
  const r = await scope.db
    .selectFrom('analytics_backfills')
    .selectAll()
    .select((eb) => [
      eb.fn<string>('to_char', ['from_day', eb.val('YYYY-MM-DD')]).as('from'),
      eb.fn<string>('to_char', ['to_day', eb.val('YYYY-MM-DD')]).as('to'),
    ])
    .where('workspace_id', '=', scope.workspaceId)
    .where('backfill_id', '=', id)
    .executeTakeFirst();
  return (
    r && {
      id: r.backfill_id,
      fromDay: r.from,
      toDay: r.to,
      status: r.status,
      done: r.done,
      total: r.total,
      error: r.error,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    }
  );
}
