import { sql, type Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { Target } from '@strata/core';
import type { Database } from '../schema.js';
import type { ChangeCause } from './segment-members.js';

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
}

/** Queues work in the caller's transaction and wakes the workers when it commits. */
export async function enqueueSegmentWork(db: Kysely<Database>, workspaceId: string, items: readonly SegmentWork[]): Promise<void> {
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

/**
 * Takes up to `limit` queued items of the oldest workspace with work, skipping items other
 * workers hold, and deletes them in the caller's transaction: if the transaction fails, the
 * work is queued again as it was.
 */
export async function claimSegmentWork(db: Kysely<Database>, limit: number): Promise<ClaimedWork[]> {
  const rows = await sql<{
    workspace_id: string;
    work_id: number;
    target: Target;
    profile_id: string;
    topics: string[];
    cause: ChangeCause;
    queued_at: Date;
  }>`
    WITH first AS (
      SELECT workspace_id FROM segment_work ORDER BY work_id LIMIT 1
    ), taken AS (
      SELECT w.workspace_id, w.work_id FROM segment_work w, first
      WHERE w.workspace_id = first.workspace_id
      ORDER BY w.work_id
      LIMIT ${limit}
      FOR UPDATE OF w SKIP LOCKED
    )
    DELETE FROM segment_work w USING taken
    WHERE w.workspace_id = taken.workspace_id AND w.work_id = taken.work_id
    RETURNING w.workspace_id, w.work_id, w.target, w.profile_id, w.topics, w.cause, w.queued_at`.execute(db);
  return rows.rows.map((r) => ({
    workspaceId: r.workspace_id,
    workId: r.work_id,
    target: r.target,
    profileId: r.profile_id,
    topics: r.topics,
    cause: r.cause,
    queuedAt: r.queued_at,
  }));
}

/** How much work waits, and since when. */
export async function readSegmentBacklog(db: Kysely<Database>, workspaceId?: string): Promise<{ queued: number; oldest: Date | null }> {
  let query = db.selectFrom('segment_work').select((eb) => [eb.fn.countAll<number>().as('queued'), eb.fn.min('queued_at').as('oldest')]);
  if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
  const row = await query.executeTakeFirstOrThrow();
  return { queued: Number(row.queued), oldest: row.oldest ?? null };
}

/**
 * Takes transaction-scoped locks on profiles, in one sorted order so that workers never
 * deadlock: two workers never evaluate the same profile at once, so an older verdict can never
 * overwrite a newer one.
 */
export async function lockProfiles(db: Kysely<Database>, workspaceId: string, profileIds: readonly string[]): Promise<void> {
  if (profileIds.length === 0) return;
  const sorted = [...new Set(profileIds)].sort();
  await sql`
    SELECT pg_advisory_xact_lock(hashtextextended(${workspaceId} || ':' || id, 7))
    FROM unnest(${sorted}::text[]) WITH ORDINALITY AS t(id, n)
    ORDER BY n`.execute(db);
}

/**
 * Workers evaluate under a shared lock of the workspace's segment definitions; switching a
 * segment to a new version takes it exclusively, so no evaluation straddles the switch.
 */
export async function lockSegmentDefinitions(db: Kysely<Database>, workspaceId: string, mode: 'shared' | 'exclusive'): Promise<void> {
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
