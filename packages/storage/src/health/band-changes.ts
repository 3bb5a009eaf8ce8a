import { sql } from 'kysely';
import type { Target } from '@strata/core';
import type { ChangeCursor } from '../changes/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A profile's move from one band to another (`health.band_changed`); null is "below every band" or "not scored before". */
export interface HealthBandChange {
  modelKey: string;
  /** Whose band: an account's (account models) or a person's (person models). */
  target: Target;
  profileId: string;
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
        account_id: c.target === 'account' ? c.profileId : null,
        person_id: c.target === 'person' ? c.profileId : null,
        from_band: c.fromBand,
        to_band: c.toBand,
        score: c.score,
        at: c.at,
      })),
    )
    .execute();
}

/**
 * A logged band change as subscribers (playbooks) read it: an account's carries its `groupId`, a
 * person's its `userId` (the other is null).
 */
export interface LoggedHealthBandChange extends HealthBandChange, ChangeCursor {
  groupId: string | null;
  userId: string | null;
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
    account_id: string | null;
    person_id: string | null;
    group_id: string | null;
    user_id: string | null;
    from_band: string | null;
    to_band: string | null;
    score: number;
    at: Date;
  }>`
    SELECT c.txid::text AS txid, c.change_id, c.model_key, c.account_id, c.person_id, a.group_id, p.user_id,
      c.from_band, c.to_band, c.score, c.at
    FROM health_band_changes c
    LEFT JOIN accounts a ON a.workspace_id = c.workspace_id AND a.account_id = c.account_id
    LEFT JOIN people p ON p.workspace_id = c.workspace_id AND p.person_id = c.person_id
    WHERE c.workspace_id = ${scope.workspaceId}
      AND c.txid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
      AND (c.txid, c.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
    ORDER BY c.txid, c.change_id
    LIMIT ${limit}`.execute(scope.db);
  return rows.rows.map((r) => {
    const person = r.person_id !== null;
    return {
      txid: r.txid,
      changeId: Number(r.change_id),
      modelKey: r.model_key,
      target: person ? 'person' : 'account',
      profileId: (person ? r.person_id : r.account_id)!,
      // A deleted profile keeps its change: Strata's own id stands in for the external one.
      groupId: person ? null : (r.group_id ?? r.account_id),
      userId: person ? (r.user_id ?? r.person_id) : null,
      fromBand: r.from_band,
      toBand: r.to_band,
      score: r.score,
      at: r.at,
    };
  });
}
