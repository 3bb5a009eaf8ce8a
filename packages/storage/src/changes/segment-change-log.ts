import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ChangeCursor } from './change-cursors.js';
import { forEachWorkspace, type WorkspaceScope } from '../workspace-scope.js';

/** A membership change as subscribers see it: who (by external id), which segment, which way. */
export interface LoggedSegmentChange extends ChangeCursor {
  segmentKey: string;
  target: 'person' | 'account';
  memberId: string;
  /** userId of a person (its Strata id when it has none), groupId of an account. */
  id: string;
  kind: 'enter' | 'exit';
  at: Date;
  version: number;
  cause: unknown;
}

/**
 * A workspace's membership changes after a cursor, in log order. Only transactions older than
 * every running one are read (see listSegmentChanges), so a change committed late never sorts
 * behind a cursor that has already moved past it.
 */
export async function readSegmentChangesAfter(scope: WorkspaceScope, after: ChangeCursor, limit: number): Promise<LoggedSegmentChange[]> {
  const { db, workspaceId } = scope;
  const rows = await sql<{
    txid: string;
    change_id: string;
    segment_key: string;
    target: 'person' | 'account';
    member_id: string;
    id: string | null;
    kind: 'enter' | 'exit';
    at: Date;
    version: number;
    cause: unknown;
  }>`
    SELECT c.txid::text AS txid, c.change_id, c.segment_key, s.target, c.member_id, c.kind, c.at, c.version, c.cause,
      CASE s.target
        WHEN 'person' THEN (SELECT coalesce(p.user_id, c.member_id::text) FROM people p WHERE p.workspace_id = c.workspace_id AND p.person_id = c.member_id)
        ELSE (SELECT a.group_id FROM accounts a WHERE a.workspace_id = c.workspace_id AND a.account_id = c.member_id)
      END AS id
    FROM segment_changes c
    JOIN segments s ON s.workspace_id = c.workspace_id AND s.segment_key = c.segment_key
    WHERE c.workspace_id = ${workspaceId}
      AND c.txid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
      AND (c.txid, c.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
    ORDER BY c.txid, c.change_id
    LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    txid: r.txid,
    changeId: Number(r.change_id),
    segmentKey: r.segment_key,
    target: r.target,
    memberId: r.member_id,
    id: r.id ?? r.member_id,
    kind: r.kind,
    at: r.at,
    version: r.version,
    cause: r.cause,
  }));
}

/** How far behind a cursor is: changes after it (counted up to `cap`) and the time of the oldest. */
export async function segmentChangeBacklog(
  scope: WorkspaceScope,
  after: ChangeCursor,
  cap: number,
): Promise<{ backlog: number; oldestAt: Date | null }> {
  const { db, workspaceId } = scope;
  // Counted from the index alone; the oldest is the first after the cursor, one row read.
  const row = await sql<{ backlog: string; oldest_at: Date | null }>`
    SELECT
      (SELECT count(*) FROM (
        SELECT 1 FROM segment_changes c
        WHERE c.workspace_id = ${workspaceId} AND (c.txid, c.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
        LIMIT ${cap}
      ) x) AS backlog,
      (SELECT c.at FROM segment_changes c
        WHERE c.workspace_id = ${workspaceId} AND (c.txid, c.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
        ORDER BY c.txid, c.change_id LIMIT 1) AS oldest_at`.execute(db);
  const r = row.rows[0];
  return { backlog: Number(r?.backlog ?? 0), oldestAt: r?.oldest_at ?? null };
}

/**
 * Workspaces whose log has changes after the given subscriber's cursor (or that have none yet),
 * asked in each workspace's scope in turn (row-level security shows a statement one workspace).
 */
export async function workspacesWithNewSegmentChanges(db: Kysely<Database>, subscriber: string): Promise<string[]> {
  const found = await forEachWorkspace(
    db,
    () => new Date(0),
    async (scope) => {
      // The cursor is read outside the subquery, and the snapshot's xmin once (a sub-select, not a
      // volatile call per row), so both bound one index range: with changes of open transactions
      // after the cursor, the scan stops at them instead of reading the whole tail. The first change
      // in log order, not EXISTS: for EXISTS the planner counted on a sequential scan meeting a
      // match early, and with none (a subscriber caught up) read the whole log (255 ms for 800k
      // changes at size s, on every wake of every subscriber during a burst); the order of the
      // log's index makes it walk that index.
      const rows = await sql<{ found: boolean }>`
      SELECT (
        SELECT c.change_id FROM segment_changes c
        WHERE c.workspace_id = w.workspace_id
          AND (c.txid, c.change_id) > (coalesce(k.txid, '0'::xid8), coalesce(k.change_id, 0))
          AND c.txid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
        ORDER BY c.txid, c.change_id
        LIMIT 1
      ) IS NOT NULL AS found
      FROM (SELECT ${scope.workspaceId}::uuid AS workspace_id) w
      LEFT JOIN change_cursors k ON k.workspace_id = w.workspace_id AND k.subscriber = ${subscriber}`.execute(scope.db);
      return rows.rows[0]?.found ? scope.workspaceId : undefined;
    },
  );
  return found.filter((id): id is string => id !== undefined);
}

/** One subscriber's position over every workspace, for `/metrics` (which names no workspace). */
export interface SubscriberLagSummary {
  subscriber: string;
  /** Changes not yet handled, summed over workspaces (each workspace counted up to `cap`). */
  backlog: number;
  /** Time of the oldest change not yet handled in any workspace; null when caught up. */
  oldestAt: Date | null;
  /** Workspaces whose cursor is backing off after a failure. */
  failingWorkspaces: number;
}

/** How far each subscriber is behind, over all workspaces: one indexed probe per workspace. */
export async function summariseSubscriberLag(
  db: Kysely<Database>,
  subscribers: readonly string[],
  cap: number,
): Promise<SubscriberLagSummary[]> {
  if (subscribers.length === 0) return [];
  const each = await forEachWorkspace(
    db,
    () => new Date(0),
    async (scope) => {
      const rows = await sql<{ subscriber: string; backlog: string; oldest_at: Date | null; failing: boolean }>`
      SELECT n.subscriber, b.backlog, b.oldest_at, coalesce(k.failures > 0, false) AS failing
      FROM unnest(${[...subscribers]}::text[]) AS n(subscriber)
      LEFT JOIN change_cursors k ON k.workspace_id = ${scope.workspaceId} AND k.subscriber = n.subscriber
      CROSS JOIN LATERAL (
        SELECT
          (SELECT count(*) FROM (
            SELECT 1 FROM segment_changes c
            WHERE c.workspace_id = ${scope.workspaceId}
              AND (c.txid, c.change_id) > (coalesce(k.txid, '0'::xid8), coalesce(k.change_id, 0))
            LIMIT ${cap}
          ) pending) AS backlog,
          (SELECT c.at FROM segment_changes c
            WHERE c.workspace_id = ${scope.workspaceId}
              AND (c.txid, c.change_id) > (coalesce(k.txid, '0'::xid8), coalesce(k.change_id, 0))
            ORDER BY c.txid, c.change_id LIMIT 1) AS oldest_at
      ) b`.execute(scope.db);
      return rows.rows;
    },
  );
  return subscribers.map((subscriber) => {
    const rows = each.flat().filter((r) => r.subscriber === subscriber);
    const oldest = rows.map((r) => r.oldest_at).filter((d): d is Date => d !== null);
    return {
      subscriber,
      backlog: rows.reduce((n, r) => n + Number(r.backlog), 0),
      oldestAt: oldest.length === 0 ? null : new Date(Math.min(...oldest.map((d) => d.getTime()))),
      failingWorkspaces: rows.filter((r) => r.failing).length,
    };
  });
}
