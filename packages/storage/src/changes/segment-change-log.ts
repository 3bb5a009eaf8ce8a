import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { logStart, type ChangeCursor } from './change-cursors.js';
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

/**
 * How far behind a cursor is: changes after it (counted up to `cap`) and the time of the oldest.
 * The cursor goes in as parameters, never as a column joined in: under row-level security
 * PostgreSQL bounds an index scan only by leakproof conditions, and `coalesce(cursor column, …)`
 * is not one, so the log was read from its start (2 s a `/metrics` scrape during a burst at size s).
 */
export async function segmentChangeBacklog(
  scope: WorkspaceScope,
  after: ChangeCursor,
  cap: number,
): Promise<{ backlog: number; oldestAt: Date | null }> {
  const { db, workspaceId } = scope;
  const row = await sql<{ backlog: string; oldest_at: Date | null }>`
    SELECT
      (SELECT count(*) FROM (
        SELECT 1 FROM segment_changes c
        WHERE c.workspace_id = ${workspaceId} AND (c.txid, c.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
        ORDER BY c.txid, c.change_id
        LIMIT ${cap}
      ) x) AS backlog,
      (SELECT c.at FROM segment_changes c
        WHERE c.workspace_id = ${workspaceId} AND (c.txid, c.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
        ORDER BY c.txid, c.change_id LIMIT 1) AS oldest_at`.execute(db);
  const r = row.rows[0];
  return { backlog: Number(r?.backlog ?? 0), oldestAt: r?.oldest_at ?? null };
}

/** Where a subscriber stands in a workspace's log: its cursor, or the log's start before its first change. */
async function cursorOf(scope: WorkspaceScope, subscriber: string): Promise<ChangeCursor> {
  const row = await scope.db
    .selectFrom('change_cursors')
    .select([sql<string>`txid::text`.as('txid'), 'change_id'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('subscriber', '=', subscriber)
    .executeTakeFirst();
  return row ? { txid: row.txid, changeId: Number(row.change_id) } : logStart;
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
      const after = await cursorOf(scope, subscriber);
      // The snapshot's xmin read once (a sub-select, not a volatile call per row): with changes of
      // open transactions after the cursor, the index range stops at them instead of reading the
      // whole tail. The first change in log order, not EXISTS: for EXISTS the planner counted on a
      // sequential scan meeting a match early, and with none (a subscriber caught up) read the
      // whole log (255 ms for 800k changes at size s, on every wake of every subscriber). The
      // cursor goes in as parameters (see `segmentChangeBacklog`).
      const rows = await sql<{ change_id: string }>`
        SELECT c.change_id FROM segment_changes c
        WHERE c.workspace_id = ${scope.workspaceId}
          AND (c.txid, c.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
          AND c.txid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
        ORDER BY c.txid, c.change_id
        LIMIT 1`.execute(scope.db);
      return rows.rows.length > 0 ? scope.workspaceId : undefined;
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

/** How far each subscriber is behind, over all workspaces: two indexed probes per subscriber and workspace. */
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
      const cursors = await scope.db
        .selectFrom('change_cursors')
        .select([sql<string>`txid::text`.as('txid'), 'change_id', 'subscriber', 'failures'])
        .where('workspace_id', '=', scope.workspaceId)
        .where('subscriber', 'in', [...subscribers])
        .execute();
      const rows = [];
      for (const subscriber of subscribers) {
        const cursor = cursors.find((c) => c.subscriber === subscriber);
        const after = cursor ? { txid: cursor.txid, changeId: Number(cursor.change_id) } : logStart;
        const { backlog, oldestAt } = await segmentChangeBacklog(scope, after, cap);
        rows.push({ subscriber, backlog, oldest_at: oldestAt, failing: (cursor?.failures ?? 0) > 0 });
      }
      return rows;
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
