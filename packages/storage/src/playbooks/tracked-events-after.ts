import { sql } from 'kysely';
import type { ChangeCursor } from '../changes/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A person's tracked event as an event trigger reads it. */
export interface TriggeringEvent extends ChangeCursor {
  eventId: string;
  personId: string;
  name: string;
  properties: Record<string, unknown>;
  timestamp: Date;
  receivedAt: Date;
}

/**
 * Where committed events end now: the oldest transaction still running (`pg_snapshot_xmin`).
 * Every transaction below it has committed or rolled back, so a reader may stand just under it.
 */
export async function takeEventHorizon(scope: WorkspaceScope): Promise<string> {
  const horizon = await sql<{ xmin: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`.execute(scope.db);
  return horizon.rows[0]!.xmin;
}

/**
 * A workspace's events with one of `names` stored after a cursor, in log order, and where the
 * reader stands afterwards. Only transactions below `xmin` (`takeEventHorizon`, taken by the
 * caller before it decides what to read) are read, as `readSegmentChangesAfter` does: when fewer
 * than `limit` events match, the cursor moves to the horizon, so a workspace whose events no
 * trigger names is skipped in one step rather than read through.
 */
export async function readTrackedEventsAfter(
  scope: WorkspaceScope,
  after: ChangeCursor,
  xmin: string,
  names: readonly string[],
  limit: number,
): Promise<{ events: TriggeringEvent[]; next: ChangeCursor }> {
  const { db, workspaceId } = scope;
  // Everything below the horizon is committed or gone: the cursor may stand just under it.
  const atHorizon: ChangeCursor = { txid: String(BigInt(xmin) - 1n), changeId: Number.MAX_SAFE_INTEGER };
  if (names.length === 0) return { events: [], next: atHorizon };
  const rows = await sql<{
    txid: string;
    event_id: string;
    person_id: string;
    name: string;
    properties: Record<string, unknown> | null;
    timestamp: Date;
    received_at: Date;
  }>`
    SELECT e.txid::text AS txid, e.event_id, e.person_id, e.name, e.properties, e.timestamp, e.received_at
    FROM events e
    WHERE e.workspace_id = ${workspaceId} AND e.txid IS NOT NULL
      AND e.txid < ${xmin}::xid8
      AND (e.txid, e.event_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
      AND e.type = 'track' AND e.person_id IS NOT NULL AND e.name = ANY(${[...names]}::text[])
    ORDER BY e.txid, e.event_id
    LIMIT ${limit}`.execute(db);
  const events = rows.rows.map((r) => ({
    txid: r.txid,
    changeId: Number(r.event_id),
    eventId: String(r.event_id),
    personId: r.person_id,
    name: r.name,
    properties: r.properties ?? {},
    timestamp: r.timestamp,
    receivedAt: r.received_at,
  }));
  const last = events[events.length - 1];
  return { events, next: events.length < limit || !last ? atHorizon : { txid: last.txid, changeId: last.changeId } };
}
