import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A position in a change log: everything at or before `(txid, changeId)` has been handled. */
export interface ChangeCursor {
  txid: string;
  changeId: number;
}

export const logStart: ChangeCursor = { txid: '0', changeId: 0 };

/** The text form used by the API and the feed: `txid.changeId`. */
export function formatCursor(cursor: ChangeCursor): string {
  return `${cursor.txid}.${cursor.changeId}`;
}

export interface CursorRow extends ChangeCursor {
  workspaceId: string;
  subscriber: string;
  handled: number;
  updatedAt: Date;
  failures: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/**
 * Locks a subscriber's cursor for one workspace in the caller's transaction, creating it at the
 * start of the log; undefined when another process holds it (that process is handling the same
 * changes) or when its failures are backing off until later.
 */
export async function lockCursor(scope: WorkspaceScope, subscriber: string): Promise<CursorRow | undefined> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  await sql`
    INSERT INTO change_cursors (workspace_id, subscriber, updated_at) VALUES (${workspaceId}, ${subscriber}, ${now})
    ON CONFLICT DO NOTHING`.execute(db);
  const row = await sql<{
    txid: string;
    change_id: string;
    handled: string;
    updated_at: Date;
    failures: number;
    next_attempt_at: Date | null;
    last_error: string | null;
    last_error_at: Date | null;
  }>`
    SELECT txid::text, change_id, handled, updated_at, failures, next_attempt_at, last_error, last_error_at
    FROM change_cursors
    WHERE workspace_id = ${workspaceId} AND subscriber = ${subscriber}
      AND (next_attempt_at IS NULL OR next_attempt_at <= ${now})
    FOR UPDATE SKIP LOCKED`.execute(db);
  const r = row.rows[0];
  if (!r) return undefined;
  return {
    workspaceId,
    subscriber,
    txid: r.txid,
    changeId: Number(r.change_id),
    handled: Number(r.handled),
    updatedAt: r.updated_at,
    failures: r.failures,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
  };
}

/** Moves a locked cursor past what was handled and clears its failures. */
export async function advanceCursor(scope: WorkspaceScope, subscriber: string, to: ChangeCursor, handled: number): Promise<void> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  await sql`
    UPDATE change_cursors SET txid = ${to.txid}::xid8, change_id = ${to.changeId}, handled = handled + ${handled},
      updated_at = ${now}, failures = 0, next_attempt_at = NULL
    WHERE workspace_id = ${workspaceId} AND subscriber = ${subscriber}`.execute(db);
}

/**
 * Records a failed attempt (in a transaction of its own: the failed one rolled back, and with it
 * the cursor row if that attempt created it, so the row is created here too).
 */
export async function recordCursorFailure(scope: WorkspaceScope, subscriber: string, error: string, retryAt: Date): Promise<number> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  const row = await sql<{ failures: number }>`
    INSERT INTO change_cursors AS k (workspace_id, subscriber, updated_at, failures, last_error, last_error_at, next_attempt_at)
    VALUES (${workspaceId}, ${subscriber}, ${now}, 1, ${error}, ${now}, ${retryAt})
    ON CONFLICT (workspace_id, subscriber) DO UPDATE
      SET failures = k.failures + 1, last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at,
        next_attempt_at = EXCLUDED.next_attempt_at
    RETURNING failures`.execute(db);
  return row.rows[0]?.failures ?? 0;
}

/** Every cursor of a workspace, by subscriber. */
export async function listCursors(scope: WorkspaceScope): Promise<CursorRow[]> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('change_cursors')
    .selectAll()
    .select(sql<string>`txid::text`.as('txid_text'))
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((r) => ({
    workspaceId,
    subscriber: r.subscriber,
    txid: r.txid_text,
    changeId: Number(r.change_id),
    handled: Number(r.handled),
    updatedAt: r.updated_at,
    failures: r.failures,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
  }));
}
