import { sql } from 'kysely';
import { profileLockKey, type ChangeCause } from '../segments/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/*
 * Accounts whose health must be scored again (migration 0019, `health_work`). Live evaluation
 * queues them in its batch, which stays as quick as its segments; they are scored after it, in
 * transactions of their own. An account queued again while it waits is one row, keeping the
 * cause it was first queued with.
 */

/** Queues accounts for scoring, each once however often. */
export async function queueHealthWork(scope: WorkspaceScope, accountIds: readonly string[], cause: ChangeCause): Promise<void> {
  if (accountIds.length === 0) return;
  const { db, workspaceId } = scope;
  await sql`
    INSERT INTO health_work (workspace_id, account_id, cause)
    SELECT ${workspaceId}::uuid, id, ${JSON.stringify(cause)}::jsonb FROM unnest(${[...accountIds].sort()}::uuid[]) AS id
    ON CONFLICT (workspace_id, account_id) DO NOTHING`.execute(db);
}

/**
 * Takes up to `limit` queued accounts, oldest first, in the caller's transaction, with their
 * profile locks (`lockProfiles`): they leave the queue when it commits, and stay in it if it
 * fails. Another worker skips them meanwhile. An account whose lock another transaction holds (a
 * live batch evaluating it, which queues it again) is left for later rather than waited for: this
 * claim holds queue rows, and waiting for a profile while holding them would deadlock with that
 * batch, which takes profiles first and queues after.
 */
export async function claimHealthWork(
  scope: WorkspaceScope,
  limit: number,
): Promise<Array<{ accountId: string; cause: ChangeCause; queuedAt: Date }>> {
  const { db, workspaceId } = scope;
  const { rows } = await sql<{ account_id: string; cause: ChangeCause; queued_at: Date }>`
    WITH candidates AS MATERIALIZED (
      SELECT account_id FROM health_work WHERE workspace_id = ${workspaceId}
      ORDER BY queued_at, account_id LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), taken AS MATERIALIZED (
      SELECT account_id FROM candidates WHERE pg_try_advisory_xact_lock(${profileLockKey(workspaceId, sql`account_id::text`)})
    )
    DELETE FROM health_work w USING taken
    WHERE w.workspace_id = ${workspaceId} AND w.account_id = taken.account_id
    RETURNING w.account_id, w.cause, w.queued_at`.execute(db);
  return rows
    .map((r) => ({ accountId: r.account_id, cause: r.cause, queuedAt: r.queued_at }))
    .sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
}

/** How many accounts wait to be scored, and since when. */
export async function readHealthBacklog(scope: WorkspaceScope): Promise<{ queued: number; oldest: Date | null }> {
  const { db, workspaceId } = scope;
  const { rows } = await sql<{ queued: number; oldest: Date | null }>`
    SELECT count(*)::int AS queued, min(queued_at) AS oldest FROM health_work WHERE workspace_id = ${workspaceId}`.execute(db);
  return rows[0] ?? { queued: 0, oldest: null };
}
