import { sql } from 'kysely';
import type { Target } from '@strata/core';
import { profileLockKey, type ChangeCause } from '../segments/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';
import { healthTables } from './health-tables.js';

/*
 * Profiles whose health must be scored again: accounts in `health_work` (migration 0019), people
 * in `person_health_work` (0031). Live evaluation queues them in its batch, which stays as quick
 * as its segments; they are scored after it, in transactions of their own. A profile queued again
 * while it waits is one row, keeping the cause it was first queued with.
 */

/** Queues profiles (accounts unless `target` says people) for scoring, each once however often. */
export async function queueHealthWork(
  scope: WorkspaceScope,
  profileIds: readonly string[],
  cause: ChangeCause,
  target: Target = 'account',
): Promise<void> {
  if (profileIds.length === 0) return;
  const { db, workspaceId } = scope;
  const t = healthTables[target];
  await sql`
    INSERT INTO ${sql.table(t.work)} (workspace_id, ${sql.ref(t.id)}, cause)
    SELECT ${workspaceId}::uuid, id, ${JSON.stringify(cause)}::jsonb FROM unnest(${[...profileIds].sort()}::uuid[]) AS id
    ON CONFLICT (workspace_id, ${sql.ref(t.id)}) DO NOTHING`.execute(db);
}

/**
 * Takes up to `limit` queued profiles, oldest first, in the caller's transaction, with their
 * profile locks (`lockProfiles`): they leave the queue when it commits, and stay in it if it
 * fails. Another worker skips them meanwhile. A profile whose lock another transaction holds (a
 * live batch evaluating it, which queues it again) is left for later rather than waited for: this
 * claim holds queue rows, and waiting for a profile while holding them would deadlock with that
 * batch, which takes profiles first and queues after.
 */
export async function claimHealthWork(
  scope: WorkspaceScope,
  limit: number,
  target: Target = 'account',
): Promise<Array<{ profileId: string; cause: ChangeCause; queuedAt: Date }>> {
  const { db, workspaceId } = scope;
  const t = healthTables[target];
  const id = sql.ref(t.id);
  const { rows } = await sql<{ profile_id: string; cause: ChangeCause; queued_at: Date }>`
    WITH candidates AS MATERIALIZED (
      SELECT ${id} FROM ${sql.table(t.work)} WHERE workspace_id = ${workspaceId}
      ORDER BY queued_at, ${id} LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), taken AS MATERIALIZED (
      SELECT ${id} FROM candidates WHERE pg_try_advisory_xact_lock(${profileLockKey(workspaceId, sql`${id}::text`)})
    )
    DELETE FROM ${sql.table(t.work)} w USING taken
    WHERE w.workspace_id = ${workspaceId} AND w.${id} = taken.${id}
    RETURNING w.${id} AS profile_id, w.cause, w.queued_at`.execute(db);
  return rows
    .map((r) => ({ profileId: r.profile_id, cause: r.cause, queuedAt: r.queued_at }))
    .sort((a, b) => (a.profileId < b.profileId ? -1 : 1));
}

/** How many profiles (accounts and people) wait to be scored, and since when. */
export async function readHealthBacklog(scope: WorkspaceScope): Promise<{ queued: number; oldest: Date | null }> {
  const { db, workspaceId } = scope;
  const { rows } = await sql<{ queued: number; oldest: Date | null }>`
    SELECT sum(queued)::int AS queued, min(oldest) AS oldest FROM (
      SELECT count(*) AS queued, min(queued_at) AS oldest FROM health_work WHERE workspace_id = ${workspaceId}
      UNION ALL
      SELECT count(*), min(queued_at) FROM person_health_work WHERE workspace_id = ${workspaceId}
    ) backlog`.execute(db);
  return rows[0] ?? { queued: 0, oldest: null };
}
