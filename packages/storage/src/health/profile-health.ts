import { sql } from 'kysely';
import type { Target } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';
import { healthTables } from './health-tables.js';

/** A profile's current score under one model, each measure's part as JSON. */
export interface ProfileHealthRow {
  /** The account's or the person's id, as the model's target says. */
  profileId: string;
  modelKey: string;
  modelVersion: number;
  score: number;
  band: string | null;
  trend: 'up' | 'down' | 'flat';
  measures: unknown;
  computedAt: Date;
}

export async function findProfileHealth(
  scope: WorkspaceScope,
  target: Target,
  modelKey: string,
  profileIds: readonly string[],
): Promise<ProfileHealthRow[]> {
  if (profileIds.length === 0) return [];
  const t = healthTables[target];
  const { rows } = await sql<{
    profile_id: string;
    model_key: string;
    model_version: number;
    score: number;
    band: string | null;
    trend: 'up' | 'down' | 'flat';
    measures: unknown;
    computed_at: Date;
  }>`
    SELECT ${sql.ref(t.id)} AS profile_id, model_key, model_version, score, band, trend, measures, computed_at
    FROM ${sql.table(t.scores)}
    WHERE workspace_id = ${scope.workspaceId} AND model_key = ${modelKey} AND ${sql.ref(t.id)} = ANY(${[...profileIds]}::uuid[])`.execute(
    scope.db,
  );
  return rows.map((r) => ({
    profileId: r.profile_id,
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
export async function saveProfileHealth(
  scope: WorkspaceScope,
  target: Target,
  rows: readonly ProfileHealthRow[],
  day: string,
): Promise<void> {
  if (rows.length === 0) return;
  const t = healthTables[target];
  const values = rows.map(
    (r) =>
      sql`(${scope.workspaceId}::uuid, ${r.modelKey}, ${r.profileId}::uuid, ${r.modelVersion}::int, ${r.score}::float8, ${r.band}::text,
        ${r.trend}, ${JSON.stringify(r.measures)}::jsonb, ${r.computedAt}::timestamptz)`,
  );
  await sql`
    INSERT INTO ${sql.table(t.scores)} (workspace_id, model_key, ${sql.ref(t.id)}, model_version, score, band, trend, measures, computed_at)
    VALUES ${sql.join(values)}
    ON CONFLICT (workspace_id, model_key, ${sql.ref(t.id)}) DO UPDATE SET
      model_version = excluded.model_version, score = excluded.score, band = excluded.band, trend = excluded.trend,
      measures = excluded.measures, computed_at = excluded.computed_at`.execute(scope.db);
  await saveHealthDays(
    scope,
    target,
    rows.map((r) => ({ modelKey: r.modelKey, profileId: r.profileId, day, score: r.score, band: r.band })),
  );
}

/** One day of a profile's history under a model. */
export interface HealthDay {
  modelKey: string;
  profileId: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  score: number;
  band: string | null;
}

export async function saveHealthDays(scope: WorkspaceScope, target: Target, days: readonly HealthDay[]): Promise<void> {
  if (days.length === 0) return;
  const t = healthTables[target];
  const values = days.map(
    (d) => sql`(${scope.workspaceId}::uuid, ${d.modelKey}, ${d.profileId}::uuid, ${d.day}::date, ${d.score}::float8, ${d.band}::text)`,
  );
  await sql`
    INSERT INTO ${sql.table(t.days)} (workspace_id, model_key, ${sql.ref(t.id)}, day, score, band)
    VALUES ${sql.join(values)}
    ON CONFLICT (workspace_id, model_key, ${sql.ref(t.id)}, day) DO UPDATE SET score = excluded.score, band = excluded.band`.execute(
    scope.db,
  );
}

/** A profile's daily history under a model between two days (both included), oldest first. */
export async function listHealthDays(
  scope: WorkspaceScope,
  target: Target,
  modelKey: string,
  profileId: string,
  from: string,
  to: string,
): Promise<HealthDay[]> {
  const t = healthTables[target];
  const { rows } = await sql<{ day: string; score: number; band: string | null }>`
    SELECT day::text AS day, score, band FROM ${sql.table(t.days)}
    WHERE workspace_id = ${scope.workspaceId} AND model_key = ${modelKey} AND ${sql.ref(t.id)} = ${profileId}::uuid
      AND day BETWEEN ${from}::date AND ${to}::date
    ORDER BY day`.execute(scope.db);
  return rows.map((r) => ({ modelKey, profileId, day: r.day, score: r.score, band: r.band }));
}

/** Each profile's score on the latest day of history at or before `day` (what a trend compares with). */
export async function healthScoresOn(
  scope: WorkspaceScope,
  target: Target,
  modelKey: string,
  profileIds: readonly string[],
  day: string,
): Promise<Map<string, number>> {
  if (profileIds.length === 0) return new Map();
  const t = healthTables[target];
  const rows = await sql<{ profile_id: string; score: number }>`
    SELECT DISTINCT ON (${sql.ref(t.id)}) ${sql.ref(t.id)} AS profile_id, score FROM ${sql.table(t.days)}
    WHERE workspace_id = ${scope.workspaceId} AND model_key = ${modelKey}
      AND ${sql.ref(t.id)} = ANY(${[...profileIds]}::uuid[]) AND day <= ${day}::date
    ORDER BY ${sql.ref(t.id)}, day DESC`.execute(scope.db);
  return new Map(rows.rows.map((r) => [r.profile_id, r.score]));
}
