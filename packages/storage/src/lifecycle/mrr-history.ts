import { sql } from 'kysely';
import { mrrChangeDays } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** An account's `mrr` as a message set it: the number, or null for anything else, at the message's time. */
export interface MrrChange {
  accountId: string;
  at: Date;
  /** Settles two values at one instant, as for traits: the greater message id wins. */
  messageId: string;
  mrr: number | null;
}

/**
 * Records the MRR each message set, at the message's time, in the history `mrr_change_90d` reads,
 * in the caller's transaction (the one applying the traits). Every set is kept, a repeat of the
 * same value included: a message arriving late may fall between two equal values, and only the
 * later one says the MRR was that value again after it. Two values at one instant: the greater
 * message id wins, as for the trait (compared byte by byte, as JavaScript compares them), so the
 * history is the same whatever order messages arrive in.
 */
export async function recordMrrChanges(scope: WorkspaceScope, changes: readonly MrrChange[]): Promise<void> {
  if (changes.length === 0) return;
  const { db, workspaceId } = scope;
  const rows = changes.map((c) => ({ account_id: c.accountId, at: c.at.toISOString(), message_id: c.messageId, mrr: c.mrr }));
  await sql`
    INSERT INTO account_mrr_history (workspace_id, account_id, at, message_id, mrr)
    SELECT DISTINCT ON (r.account_id, r.at) ${workspaceId}::uuid, r.account_id, r.at, r.message_id, r.mrr
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(account_id uuid, at timestamptz, message_id text, mrr float8)
    ORDER BY r.account_id, r.at, r.message_id COLLATE "C" DESC
    ON CONFLICT (workspace_id, account_id, at) DO UPDATE SET message_id = excluded.message_id, mrr = excluded.mrr
      WHERE excluded.message_id COLLATE "C" > account_mrr_history.message_id COLLATE "C"`.execute(db);
}

/** An account's MRR history, oldest first. */
export async function readMrrHistory(scope: WorkspaceScope, accountId: string): Promise<Array<{ at: Date; mrr: number | null }>> {
  return scope.db
    .selectFrom('account_mrr_history')
    .select(['at', 'mrr'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('account_id', '=', accountId)
    .orderBy('at')
    .execute();
}

/**
 * How SQL reads `mrr_change_90d` of the account row aliased `alias` at `now`: the MRR the history
 * holds at `now` minus the one it held 90 days before; NULL (missing) when either is unknown,
 * which is the case for an account whose MRR history starts less than 90 days before `now`.
 */
export function mrrChangeSql(alias: string, now: Date) {
  const mrrAt = (at: Date) => sql`(SELECT h.mrr FROM account_mrr_history h
    WHERE h.workspace_id = ${sql.ref(`${alias}.workspace_id`)} AND h.account_id = ${sql.ref(`${alias}.account_id`)} AND h.at <= ${at}
    ORDER BY h.at DESC LIMIT 1)`;
  const before = new Date(now.getTime() - mrrChangeDays * 86_400_000);
  return sql`(${mrrAt(now)} - ${mrrAt(before)})`;
}
