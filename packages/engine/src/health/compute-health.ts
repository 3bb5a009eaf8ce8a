import {
  evaluateMeasure,
  healthTrend,
  scoreHealth,
  type AccountRecord,
  type MeasureResult,
  type PersonRecord,
  type Profile,
  type Target,
} from '@strata/core';
import {
  findProfileHealth,
  healthScoresOn,
  listManualHealthValues,
  loadAccountRecords,
  loadPersonRecords,
  recordHealthBandChanges,
  saveProfileHealth,
  type HealthBandChange,
  type ProfileHealthRow,
  type WorkspaceScope,
} from '@strata/storage';
import { modelReadingRule, type WorkspaceHealthModel } from './health-models.js';

const dayMs = 86_400_000;
/** How far back a trend looks. */
export const trendDays = 30;

/** `YYYY-MM-DD` of an instant in UTC: history days are UTC days. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** A profile's health under one model (an account's or a person's, as the model's target says), as the API answers it. */
export interface ProfileHealth {
  profileId: string;
  model: string;
  modelVersion: number;
  score: number;
  band: string | null;
  trend: 'up' | 'down' | 'flat';
  measures: MeasureResult[];
  computedAt: Date;
}

/**
 * Scores one profile's record at an instant: each measure evaluated on the record (manual ones
 * from the values a person set), then the model's method. Pure apart from its inputs.
 */
export function scoreProfile(
  model: WorkspaceHealthModel,
  profile: Profile,
  at: Date,
  timezone: string,
  manual: ReadonlyMap<string, number>,
): { score: number; band: string | null; measures: MeasureResult[] } {
  const moment = { now: at.getTime(), timezone };
  const values = new Map(
    model.measures.map((m) => [m.key, m.manual || !m.program ? manual.get(m.key) : evaluateMeasure(m.program, profile, moment)]),
  );
  const result = scoreHealth(model, values, (m) => model.measures.find((x) => x.key === m.key)?.program?.kind === 'condition');
  return { score: result.score, band: result.band ?? null, measures: result.measures };
}

/** `scoreProfile` of an account. */
export function scoreAccount(
  model: WorkspaceHealthModel,
  record: AccountRecord,
  at: Date,
  timezone: string,
  manual: ReadonlyMap<string, number>,
): { score: number; band: string | null; measures: MeasureResult[] } {
  return scoreProfile(model, { target: 'account', record }, at, timezone, manual);
}

/** The records of some profiles of a target, loading what `reading` reads. */
export async function loadHealthRecords(
  scope: WorkspaceScope,
  target: Target,
  ids: readonly string[],
  reading?: Parameters<typeof loadAccountRecords>[2],
): Promise<Map<string, Profile>> {
  const wrap = <R extends AccountRecord | PersonRecord>(records: Map<string, R>, as: (record: R) => Profile) =>
    new Map([...records].map(([id, record]) => [id, as(record)]));
  return target === 'account'
    ? wrap(await loadAccountRecords(scope, ids, reading), (record) => ({ target: 'account', record }))
    : wrap(await loadPersonRecords(scope, ids, reading), (record) => ({ target: 'person', record }));
}

/**
 * Recomputes profiles' current health under a model (accounts or people, as its target says) and
 * stores it with the day's history row, in the caller's transaction. A band that differs from the
 * stored one is logged as a band change (`health.band_changed`). Returns the profiles whose
 * score, band or trend changed: rules on the health fields must re-evaluate for them.
 */
export async function recomputeHealth(
  scope: WorkspaceScope,
  model: WorkspaceHealthModel,
  profileIds: readonly string[],
): Promise<{ changed: string[]; results: ProfileHealth[] }> {
  if (profileIds.length === 0) return { changed: [], results: [] };
  const { target } = model;
  const at = scope.clock();
  const timezone = await workspaceTimezone(scope);
  const rule = modelReadingRule(model);
  const previous = new Map((await findProfileHealth(scope, target, model.key, profileIds)).map((r) => [r.profileId, r]));
  const earlier = await healthScoresOn(scope, target, model.key, profileIds, utcDay(new Date(at.getTime() - trendDays * dayMs)));
  const manual = await manualValuesByProfile(scope, target, model.key, profileIds);
  const rows: ProfileHealthRow[] = [];
  const bandChanges: HealthBandChange[] = [];
  const changed: string[] = [];
  const records = await loadHealthRecords(scope, target, profileIds, { rule, now: at });
  for (const profileId of profileIds) {
    const profile = records.get(profileId);
    if (!profile) continue;
    const scored = scoreProfile(model, profile, at, timezone, manual.get(profileId) ?? new Map());
    const trend = healthTrend(scored.score, earlier.get(profileId));
    rows.push({ profileId, modelKey: model.key, modelVersion: model.version, ...scored, trend, computedAt: at });
    const before = previous.get(profileId);
    if (!before || before.band !== scored.band)
      bandChanges.push({
        modelKey: model.key,
        target,
        profileId,
        fromBand: before?.band ?? null,
        toBand: scored.band,
        score: scored.score,
        at,
      });
    if (!before || before.score !== scored.score || before.band !== scored.band || before.trend !== trend) changed.push(profileId);
  }
  await saveProfileHealth(scope, target, rows, utcDay(at));
  await recordHealthBandChanges(scope, bandChanges);
  return {
    changed,
    results: rows.map((r) => ({
      profileId: r.profileId,
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

/** Each profile's hand-set values under a model, by measure key. */
export async function manualValuesByProfile(
  scope: WorkspaceScope,
  target: Target,
  modelKey: string,
  profileIds: readonly string[],
): Promise<Map<string, Map<string, number>>> {
  const byProfile = new Map<string, Map<string, number>>();
  for (const v of await listManualHealthValues(scope, target, modelKey, profileIds)) {
    let values = byProfile.get(v.profileId);
    if (!values) byProfile.set(v.profileId, (values = new Map<string, number>()));
    values.set(v.measureKey, v.value);
  }
  return byProfile;
}

/** The workspace's timezone, for calendar windows in measures. */
export async function workspaceTimezone(scope: WorkspaceScope): Promise<string> {
  const row = await scope.db.selectFrom('workspaces').select('timezone').where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
  return row?.timezone ?? 'UTC';
}
