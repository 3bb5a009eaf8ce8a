import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** An account's current score under one model, each measure's part as JSON. */
export interface AccountHealthRow {
  accountId: string;
  modelKey: string;
  modelVersion: number;
  score: number;
  band: string | null;
  trend: 'up' | 'down' | 'flat';
  measures: unknown;
  computedAt: Date;
}

export async function findAccountHealth(
  scope: WorkspaceScope,
  modelKey: string,
  accountIds: readonly string[],
): Promise<AccountHealthRow[]> {
  if (accountIds.length === 0) return [];
  const rows = await scope.db
    .selectFrom('account_health')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('model_key', '=', modelKey)
    .where(sql<boolean>`account_id = ANY(${[...accountIds]}::uuid[])`)
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    modelKey: r.model_key,
    modelVersion: r.model_version,
    score: r.score,
    band: r.band,
    trend: r.trend,
    measures: r.measures,
    computedAt: r.computed_at,
  }));
}

/**
 * Writes current scores and the day's history row (the last score of a day is the day's), in the
 * caller's transaction.
 */
export async function saveAccountHealth(scope: WorkspaceScope, rows: readonly AccountHealthRow[], day: string): Promise<void> {
  const { db, workspaceId } = scope;
  if (rows.length === 0) return;
  await db
    .insertInto('account_health')
    .values(
      rows.map((r) => ({
        workspace_id: workspaceId,
        model_key: r.modelKey,
        account_id: r.accountId,
        model_version: r.modelVersion,
        score: r.score,
        band: r.band,
        trend: r.trend,
        measures: JSON.stringify(r.measures),
        computed_at: r.computedAt,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'model_key', 'account_id']).doUpdateSet((eb) => ({
        model_version: eb.ref('excluded.model_version'),
        score: eb.ref('excluded.score'),
        band: eb.ref('excluded.band'),
        trend: eb.ref('excluded.trend'),
        measures: eb.ref('excluded.measures'),
        computed_at: eb.ref('excluded.computed_at'),
      })),
    )
    .execute();
  await saveHealthDays(
    scope,
    rows.map((r) => ({ modelKey: r.modelKey, accountId: r.accountId, day, score: r.score, band: r.band })),
  );
}

/** One day of an account's history under a model. */
export interface HealthDay {
  modelKey: string;
  accountId: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  score: number;
  band: string | null;
}

export async function saveHealthDays(scope: WorkspaceScope, days: readonly HealthDay[]): Promise<void> {
  if (days.length === 0) return;
  await scope.db
    .insertInto('account_health_days')
    .values(
      days.map((d) => ({
        workspace_id: scope.workspaceId,
        model_key: d.modelKey,
        account_id: d.accountId,
        day: d.day,
        score: d.score,
        band: d.band,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'model_key', 'account_id', 'day'])
        .doUpdateSet((eb) => ({ score: eb.ref('excluded.score'), band: eb.ref('excluded.band') })),
    )
    .execute();
}

/** An account's daily history under a model between two days (both included), oldest first. */
export async function listHealthDays(
  scope: WorkspaceScope,
  modelKey: string,
  accountId: string,
  from: string,
  to: string,
): Promise<HealthDay[]> {
  const rows = await scope.db
    .selectFrom('account_health_days')
    .select([sql<string>`day::text`.as('day'), 'score', 'band'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('model_key', '=', modelKey)
    .where('account_id', '=', accountId)
    .where(sql<boolean>`day BETWEEN ${from}::date AND ${to}::date`)
    .orderBy('day')
    .execute();
  return rows.map((r) => ({ modelKey, accountId, day: r.day, score: r.score, band: r.band }));
}

/** Each account's score on the latest day of history at or before `day` (what a trend compares with). */
export async function healthScoresOn(
  scope: WorkspaceScope,
  modelKey: string,
  accountIds: readonly string[],
  day: string,
): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  const rows = await sql<{ account_id: string; score: number }>`
    SELECT DISTINCT ON (account_id) account_id, score FROM account_health_days
    WHERE workspace_id = ${scope.workspaceId} AND model_key = ${modelKey}
      AND account_id = ANY(${[...accountIds]}::uuid[]) AND day <= ${day}::date
    ORDER BY account_id, day DESC`.execute(scope.db);
  return new Map(rows.rows.map((r) => [r.account_id, r.score]));
}
