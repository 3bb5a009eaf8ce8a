import { sql } from 'kysely';
import type { ChangeCursor } from '../changes/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** An account's move from one band to another (`health.band_changed`); null is "below every band" or "not scored before". */
export interface HealthBandChange {
  modelKey: string;
  accountId: string;
  fromBand: string | null;
  toBand: string | null;
  score: number;
  at: Date;
}

export async function recordHealthBandChanges(scope: WorkspaceScope, changes: readonly HealthBandChange[]): Promise<void> {
  if (changes.length === 0) return;
  await scope.db
    .insertInto('health_band_changes')
    .values(
      changes.map((c) => ({
        workspace_id: scope.workspaceId,
        model_key: c.modelKey,
        account_id: c.accountId,
        from_band: c.fromBand,
        to_band: c.toBand,
        score: c.score,
        at: c.at,
      })),
    )
    .execute();
}

/** A logged band change as subscribers (playbooks) read it, with the account's groupId. */
export interface LoggedHealthBandChange extends HealthBandChange, ChangeCursor {
  groupId: string;
}

/**
 * A workspace's band changes after a cursor, in log order; like `readSegmentChangesAfter`, only
 * transactions older than every running one, so a late commit never sorts behind the cursor.
 */
export async function readHealthBandChangesAfter(
  scope: WorkspaceScope,
  after: ChangeCursor,
  limit: number,
): Promise<LoggedHealthBandChange[]> {
  const rows = await sql<{
    txid: string;
    change_id: number;
    model_key: string;
    account_id: string;
    group_id: string | null;
    from_band: string | null;
    to_band: string | null;
    score: number;
    at: Date;
  }>`
    SELECT c.txid::text AS txid, c.change_id, c.model_key, c.account_id, a.group_id, c.from_band, c.to_band, c.score, c.at
    FROM health_band_changes c
    LEFT JOIN accounts a ON a.workspace_id = c.workspace_id AND a.account_id = c.account_id
    WHERE c.workspace_id = ${scope.workspaceId}
      AND c.txid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
      AND (c.txid, c.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
    ORDER BY c.txid, c.change_id
    LIMIT ${limit}`.execute(scope.db);
  return rows.rows.map((r) => ({
    txid: r.txid,
    changeId: Number(r.change_id),
    modelKey: r.model_key,
    accountId: r.account_id,
    groupId: r.group_id ?? r.account_id,
    fromBand: r.from_band,
    toBand: r.to_band,
    score: r.score,
    at: r.at,
  }));
}
