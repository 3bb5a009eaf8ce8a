import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { Pool } from 'pg';
import type { Target } from '@strata/core';
import type { Database } from '../schema.js';
import type { ChangeCause } from './segment-members.js';
import { nextAttemptAt, workRetryPolicy } from './work-failure.js';
import { forEachWorkspace, type WorkspaceScope } from '../workspace-scope.js';

/** The channel that wakes live workers when work is queued; notifications are sent on commit. */
export const segmentWorkChannel = 'strata_segment_work';

/** A profile to re-evaluate because of what changed on it. */
export interface SegmentWork {
  target: Target;
  profileId: string;
  topics: string[];
  cause: ChangeCause;
}

export interface ClaimedWork extends SegmentWork {
  workspaceId: string;
  workId: number;
  queuedAt: Date;
  /** Failed attempts so far; 0 for new work. */
  attempts: number;
}

/** Queues work in the caller's transaction and wakes the workers when it commits. */
export async function enqueueSegmentWork(scope: WorkspaceScope, items: readonly SegmentWork[]): Promise<void> {
  const { db, workspaceId } = scope;
  if (items.length === 0) return;
  for (let start = 0; start < items.length; start += 5000) {
    const chunk = items.slice(start, start + 5000);
    await db
      .insertInto('segment_work')
      .values(
        chunk.map((w) => ({
          workspace_id: workspaceId,
          target: w.target,
          profile_id: w.profileId,
          topics: w.topics,
          cause: JSON.stringify(w.cause),
        })),
      )
      .execute();
  }
  await sql`SELECT pg_notify(${segmentWorkChannel}, '')`.execute(db);
}

const claimedColumns = sql`w.workspace_id, w.work_id, w.target, w.profile_id, w.topics, w.cause, w.queued_at, w.attempts`;

interface ClaimedRow {
  workspace_id: string;
  work_id: number;
  target: Target;
  profile_id: string;
  topics: string[];
  cause: ChangeCause;
  queued_at: Date;
  attempts: number;
}

function toClaimed(r: ClaimedRow): ClaimedWork {
  return {
    workspaceId: r.workspace_id,
    workId: Number(r.work_id),
    target: r.target,
    profileId: r.profile_id,
    topics: r.topics,
    cause: r.cause,
    queuedAt: r.queued_at,
    attempts: r.attempts,
  };
}

/**
 * Takes the ready items (not waiting for a retry) of up to `limit` of the oldest queued items'
 * profiles, skipping items other workers hold, and deletes them in the caller's transaction: if
 * the transaction fails, the work is queued again as it was. Every ready item of a taken profile
 * comes along, however new: a profile queued many times while the workers were behind is decided
 * once, so a backlog shrinks faster the deeper it is. The live worker offers each workspace a turn
 * in id order (row-level security shows a claim one workspace's queue), so a deep or failing
 * backlog of one tenant never delays another's new work by more than a turn.
 *
 * Both steps probe indexes by arrays, whatever the statistics say: a queue's table is often
 * analysed while nearly empty, and with the estimate of one row the planner joined the taken
 * profiles to the queue by nested loops, 1,000 x 6,000 comparisons (5-11 s a claim during a burst
 * at size s). A person's and an account's ids never coincide (both random UUIDs), so the profile
 * id alone finds a profile's items.
 */
export async function claimSegmentWork(scope: WorkspaceScope, limit: number, options: { now: Date }): Promise<ClaimedWork[]> {
  const rows = await sql<ClaimedRow>`
    WITH oldest AS (
      SELECT target, profile_id FROM segment_work
      WHERE workspace_id = ${scope.workspaceId} AND next_attempt_at <= ${options.now}
      ORDER BY work_id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ), taken AS (
      SELECT work_id FROM segment_work
      WHERE workspace_id = ${scope.workspaceId} AND next_attempt_at <= ${options.now}
        AND target IN ('person', 'account') AND profile_id = ANY(ARRAY(SELECT profile_id FROM oldest))
      FOR UPDATE SKIP LOCKED
    )
    DELETE FROM segment_work w
    WHERE w.workspace_id = ${scope.workspaceId} AND w.work_id = ANY(ARRAY(SELECT work_id FROM taken))
    RETURNING ${claimedColumns}`.execute(scope.db);
  return rows.rows.map(toClaimed);
}

/** Takes these items of a workspace (those no other worker holds), as `claimSegmentWork` does. */
export async function claimSegmentWorkItems(scope: WorkspaceScope, workIds: readonly number[]): Promise<ClaimedWork[]> {
  const { db, workspaceId } = scope;
  if (workIds.length === 0) return [];
  const rows = await sql<ClaimedRow>`
    WITH taken AS (
      SELECT workspace_id, work_id FROM segment_work
      WHERE workspace_id = ${workspaceId} AND work_id = ANY(${workIds.map(String)}::bigint[])
      FOR UPDATE SKIP LOCKED
    )
    DELETE FROM segment_work w USING taken
    WHERE w.workspace_id = taken.workspace_id AND w.work_id = taken.work_id
    RETURNING ${claimedColumns}`.execute(db);
  return rows.rows.map(toClaimed);
}

/**
 * Limits every following statement of the caller's transaction to `ms`; a longer one fails with
 * SQLSTATE 57014. `parallelQuery: false` also turns parallel workers off for the transaction: live
 * evaluation scopes every statement to a batch's profiles, where starting workers costs more than
 * they save (measured at size s: one batch's statement 1.2-1.5 s with them, 0.75-0.94 s without),
 * and on a small machine other workers and ingestion already use every core.
 */
export async function limitStatementTime(db: Kysely<Database>, ms: number, options: { parallelQuery?: boolean } = {}): Promise<void> {
  const timeout = sql`set_config('statement_timeout', ${String(Math.max(1, Math.round(ms)))}, true)`;
  const serial = sql`, set_config('max_parallel_workers_per_gather', '0', true)`;
  await sql`SELECT ${timeout}${options.parallelQuery === false ? serial : sql``}`.execute(db);
}

/** A failed evaluation, as stored: the segment it failed in (if known) and a description without user data. */
export interface WorkFailure {
  segmentKey: string | null;
  error: string;
}

/**
 * Queues failed work again, in the caller's transaction, to retry after a backoff; work that has
 * failed `workRetryPolicy.maxAttempts` times is parked instead, with its error.
 * `attempts` counts the attempt that just failed.
 */
export async function requeueFailedWork(
  scope: WorkspaceScope,
  items: ReadonlyArray<SegmentWork & { attempts: number; queuedAt: Date }>,
  failure: WorkFailure,
): Promise<{ retrying: number; parked: number }> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  const retry = items.filter((i) => i.attempts < workRetryPolicy.maxAttempts);
  const park = items.filter((i) => i.attempts >= workRetryPolicy.maxAttempts);
  if (retry.length > 0)
    await db
      .insertInto('segment_work')
      .values(
        retry.map((w) => ({
          workspace_id: workspaceId,
          target: w.target,
          profile_id: w.profileId,
          topics: w.topics,
          cause: JSON.stringify(w.cause),
          queued_at: w.queuedAt,
          attempts: w.attempts,
          next_attempt_at: nextAttemptAt(now, w.attempts),
          failed_segment: failure.segmentKey,
          last_error: failure.error,
          last_error_at: now,
        })),
      )
      .execute();
  if (park.length > 0)
    await sql`
      INSERT INTO segment_work_parked (workspace_id, work_id, target, profile_id, topics, cause, queued_at, attempts, failed_segment, last_error, parked_at)
      SELECT ${workspaceId}::uuid, nextval('segment_work_work_id_seq'), p.target, p.profile_id, p.topics, p.cause, p.queued_at, p.attempts,
        ${failure.segmentKey}, ${failure.error}, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(
        park.map((w) => ({
          target: w.target,
          profile_id: w.profileId,
          topics: w.topics,
          cause: w.cause,
          queued_at: w.queuedAt,
          attempts: w.attempts,
        })),
      )}::jsonb) AS p(target text, profile_id uuid, topics text[], cause jsonb, queued_at timestamptz, attempts integer)`.execute(db);
  return { retrying: retry.length, parked: park.length };
}

/**
 * Records that queued items failed as a whole (their evaluation's transaction rolled back):
 * each counts an attempt and waits for its backoff, or is parked.
 */
export async function recordWorkFailure(
  scope: WorkspaceScope,
  workIds: readonly number[],
  failure: WorkFailure,
): Promise<{ retrying: number; parked: number }> {
  if (workIds.length === 0) return { retrying: 0, parked: 0 };
  const taken = await claimSegmentWorkItems(scope, workIds);
  return requeueFailedWork(
    scope,
    taken.map((t) => ({ ...t, attempts: t.attempts + 1 })),
    failure,
  );
}

/**
 * Queues parked work again with a fresh count of attempts: all of a workspace's, or only what
 * failed in one segment (and what failed as a whole, which concerns every segment).
 */
export async function unparkSegmentWork(scope: WorkspaceScope, segmentKey?: string): Promise<number> {
  const { db, workspaceId } = scope;
  const rows = await sql<{ n: number }>`
    WITH moved AS (
      DELETE FROM segment_work_parked
      WHERE workspace_id = ${workspaceId}
        ${segmentKey === undefined ? sql`` : sql`AND (failed_segment = ${segmentKey} OR failed_segment IS NULL)`}
      RETURNING target, profile_id, topics, cause, queued_at
    ), queued AS (
      INSERT INTO segment_work (workspace_id, target, profile_id, topics, cause, queued_at)
      SELECT ${workspaceId}::uuid, target, profile_id, topics, cause, queued_at FROM moved
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM queued`.execute(db);
  const n = rows.rows[0]?.n ?? 0;
  if (n > 0) await sql`SELECT pg_notify(${segmentWorkChannel}, '')`.execute(db);
  return n;
}

/** The scopes a report reads: one workspace's, or each workspace's in turn (a bare database, for process metrics). */
async function acrossOrWithin<T>(from: WorkspaceScope | Kysely<Database>, read: (scope: WorkspaceScope) => Promise<T>): Promise<T[]> {
  return 'workspaceId' in from ? [await read(from)] : forEachWorkspace(from, () => new Date(0), read);
}

/** Failing work of a workspace (a scope) or of all (a database), or of one of its segments: how much retries, how much is parked, the latest error. */
export async function readWorkFailures(
  from: WorkspaceScope | Kysely<Database>,
  segmentKey?: string,
): Promise<{ retrying: number; parked: number; lastError: string | null; lastErrorAt: Date | null }> {
  const each = await acrossOrWithin(from, (scope) => readWorkspaceWorkFailures(scope, segmentKey));
  const latest = each.filter((e) => e.lastErrorAt !== null).sort((a, b) => b.lastErrorAt!.getTime() - a.lastErrorAt!.getTime())[0];
  return {
    retrying: each.reduce((n, e) => n + e.retrying, 0),
    parked: each.reduce((n, e) => n + e.parked, 0),
    lastError: latest?.lastError ?? each.find((e) => e.lastError !== null)?.lastError ?? null,
    lastErrorAt: latest?.lastErrorAt ?? null,
  };
}

async function readWorkspaceWorkFailures(
  scope: WorkspaceScope,
  segmentKey?: string,
): Promise<{ retrying: number; parked: number; lastError: string | null; lastErrorAt: Date | null }> {
  const { db, workspaceId } = scope;
  const where = (alias: string) =>
    sql.join(
      [
        sql`${sql.ref(`${alias}.attempts`)} > 0`,
        sql`${sql.ref(`${alias}.workspace_id`)} = ${workspaceId}`,
        ...(segmentKey !== undefined
          ? [sql`(${sql.ref(`${alias}.failed_segment`)} = ${segmentKey} OR ${sql.ref(`${alias}.failed_segment`)} IS NULL)`]
          : []),
      ],
      sql` AND `,
    );
  const row = await sql<{ retrying: number; parked: number; last_error: string | null; last_error_at: Date | null }>`
    WITH retrying AS (SELECT w.last_error, w.last_error_at FROM segment_work w WHERE ${where('w')}),
    parked AS (SELECT p.last_error, p.parked_at AS last_error_at FROM segment_work_parked p WHERE ${where('p')}),
    latest AS (SELECT * FROM retrying UNION ALL SELECT * FROM parked ORDER BY last_error_at DESC NULLS LAST LIMIT 1)
    SELECT (SELECT count(*)::int FROM retrying) AS retrying, (SELECT count(*)::int FROM parked) AS parked,
      (SELECT last_error FROM latest) AS last_error, (SELECT last_error_at FROM latest) AS last_error_at`.execute(db);
  const r = row.rows[0]!;
  return { retrying: r.retrying, parked: r.parked, lastError: r.last_error, lastErrorAt: r.last_error_at };
}

/** How much work waits for its first attempt, and since when (failing work is counted by `readWorkFailures`). */
export async function readSegmentBacklog(from: WorkspaceScope | Kysely<Database>): Promise<{ queued: number; oldest: Date | null }> {
  const each = await acrossOrWithin(from, async ({ db, workspaceId }) => {
    const row = await db
      .selectFrom('segment_work')
      .select((eb) => [eb.fn.countAll<number>().as('queued'), eb.fn.min('queued_at').as('oldest')])
      .where('attempts', '=', 0)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return { queued: Number(row.queued), oldest: row.oldest ?? null };
  });
  const oldest = each.map((e) => e.oldest).filter((d): d is Date => d !== null);
  return {
    queued: each.reduce((n, e) => n + e.queued, 0),
    oldest: oldest.length === 0 ? null : new Date(Math.min(...oldest.map((d) => d.getTime()))),
  };
}

/**
 * Takes transaction-scoped locks on profiles, in one sorted order so that workers never
 * deadlock: two workers never evaluate the same profile at once, so an older verdict can never
 * overwrite a newer one.
 */
export async function lockProfiles(scope: WorkspaceScope, profileIds: readonly string[]): Promise<void> {
  const { db, workspaceId } = scope;
  if (profileIds.length === 0) return;
  const sorted = [...new Set(profileIds)].sort();
  await sql`
    SELECT pg_advisory_xact_lock(${profileLockKey(workspaceId, sql.ref('id'))})
    FROM unnest(${sorted}::text[]) WITH ORDINALITY AS t(id, n)
    ORDER BY n`.execute(db);
}

/** The advisory lock key of a profile (`id`: an expression of its id as text), as `lockProfiles` takes it. */
export function profileLockKey(workspaceId: string, id: Expression<unknown>): RawBuilder<bigint> {
  return sql<bigint>`hashtextextended(${workspaceId} || ':' || ${id}, 7)`;
}

/**
 * Workers evaluate under a shared lock of the workspace's segment definitions; switching a
 * segment to a new version takes it exclusively, so no evaluation straddles the switch.
 */
export async function lockSegmentDefinitions(scope: WorkspaceScope, mode: 'shared' | 'exclusive'): Promise<void> {
  const { db, workspaceId } = scope;
  if (mode === 'shared') await sql`SELECT pg_advisory_xact_lock_shared(hashtextextended(${workspaceId} || ':segments', 7))`.execute(db);
  else await sql`SELECT pg_advisory_xact_lock(hashtextextended(${workspaceId} || ':segments', 7))`.execute(db);
}

/**
 * Calls `onWork` whenever segment work is queued anywhere, on a connection of its own.
 * Returns a function that stops listening and gives the connection back.
 */
export async function listenForSegmentWork(pool: Pool, onWork: () => void): Promise<() => Promise<void>> {
  const client = await pool.connect();
  const handler = (message: { channel: string }) => {
    if (message.channel === segmentWorkChannel) onWork();
  };
  client.on('notification', handler);
  // A dropped connection must not crash the process; the worker's polling still finds the work.
  client.on('error', () => undefined);
  await client.query(`LISTEN ${segmentWorkChannel}`);
  return async () => {
    client.off('notification', handler);
    try {
      await client.query(`UNLISTEN ${segmentWorkChannel}`);
      client.release();
    } catch {
      client.release(true);
    }
  };
}
