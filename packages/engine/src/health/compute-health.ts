import { evaluateMeasure, healthTrend, scoreHealth, type AccountRecord, type MeasureResult } from '@strata/core';
import {
  findAccountHealth,
  healthScoresOn,
  listManualHealthValues,
  loadAccountRecords,
  recordHealthBandChanges,
  saveAccountHealth,
  type AccountHealthRow,
  type HealthBandChange,
  type WorkspaceScope,
} from '@strata/storage';
import { modelReadingRule, type WorkspaceHealthModel } from './health-models.js';

const dayMs = 86_400_000;
/** How far back a trend looks. */
export const trendDays = 30;

/** `YYYY-MM-DD` of an instant in UTC: history days are UTC days. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** An account's health under one model, as the API answers it. */
export interface AccountHealth {
  accountId: string;
  model: string;
  modelVersion: number;
  score: number;
  band: string | null;
  trend: 'up' | 'down' | 'flat';
  measures: MeasureResult[];
  computedAt: Date;
}

/**
 * Scores one account's record at an instant: each measure evaluated on the record (manual ones
 * from the values a person set), then the model's method. Pure apart from its inputs.
 */
export function scoreAccount(
  model: WorkspaceHealthModel,
  record: AccountRecord,
  at: Date,
  timezone: string,
  manual: ReadonlyMap<string, number>,
): { score: number; band: string | null; measures: MeasureResult[] } {
  const moment = { now: at.getTime(), timezone };
  const values = new Map(
    model.measures.map((m) => [
      m.key,
      m.manual || !m.program ? manual.get(m.key) : evaluateMeasure(m.program, { target: 'account', record }, moment),
    ]),
  );
  const result = scoreHealth(model, values, (m) => model.measures.find((x) => x.key === m.key)?.program?.kind === 'condition');
  return { score: result.score, band: result.band ?? null, measures: result.measures };
}

/**
 * Recomputes accounts' current health under a model and stores it with the day's history row, in
 * the caller's transaction. A band that differs from the stored one is logged as a band change
 * (`health.band_changed`). Returns the accounts whose score, band or trend changed: rules on the
 * health fields must re-evaluate for them.
 */
export async function recomputeAccountHealth(
  scope: WorkspaceScope,
  model: WorkspaceHealthModel,
  accountIds: readonly string[],
): Promise<{ changed: string[]; results: AccountHealth[] }> {
  if (accountIds.length === 0 || model.target !== 'account') return { changed: [], results: [] };
  const at = scope.clock();
  const timezone = await workspaceTimezone(scope);
  const rule = modelReadingRule(model);
  const previous = new Map((await findAccountHealth(scope, model.key, accountIds)).map((r) => [r.accountId, r]));
  const earlier = await healthScoresOn(scope, model.key, accountIds, utcDay(new Date(at.getTime() - trendDays * dayMs)));
  const manual = await manualValuesByAccount(scope, model.key, accountIds);
  const rows: AccountHealthRow[] = [];
  const bandChanges: HealthBandChange[] = [];
  const changed: string[] = [];
  const records = await loadAccountRecords(scope, accountIds, { rule, now: at });
  for (const accountId of accountIds) {
    const record = records.get(accountId);
    if (!record) continue;
    const scored = scoreAccount(model, record, at, timezone, manual.get(accountId) ?? new Map());
    const trend = healthTrend(scored.score, earlier.get(accountId));
    rows.push({ accountId, modelKey: model.key, modelVersion: model.version, ...scored, trend, computedAt: at });
    const before = previous.get(accountId);
    if (!before || before.band !== scored.band)
      bandChanges.push({ modelKey: model.key, accountId, fromBand: before?.band ?? null, toBand: scored.band, score: scored.score, at });
    if (!before || before.score !== scored.score || before.band !== scored.band || before.trend !== trend) changed.push(accountId);
  }
  await saveAccountHealth(scope, rows, utcDay(at));
  await recordHealthBandChanges(scope, bandChanges);
  return {
    changed,
    results: rows.map((r) => ({
      accountId: r.accountId,
      model: r.modelKey,
      modelVersion: r.modelVersion,
      score: r.score,
      band: r.band,
      trend: r.trend,
      measures: r.measures as MeasureResult[],
      computedAt: r.computedAt,
    })),
  };
}

async function manualValuesByAccount(scope: WorkspaceScope, modelKey: string, accountIds: readonly string[]) {
  const byAccount = new Map<string, Map<string, number>>();
  for (const v of await listManualHealthValues(scope, modelKey, accountIds)) {
    let values = byAccount.get(v.accountId);
    if (!values) byAccount.set(v.accountId, (values = new Map<string, number>()));
    values.set(v.measureKey, v.value);
  }
  return byAccount;
}

/** The workspace's timezone, for calendar windows in measures. */
export async function workspaceTimezone(scope: WorkspaceScope): Promise<string> {
  const row = await scope.db.selectFrom('workspaces').select('timezone').where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
  return row?.timezone ?? 'UTC';
}
