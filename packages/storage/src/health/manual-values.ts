import { sql } from 'kysely';
import type { Target } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';
import { healthTables } from './health-tables.js';

/** A value a person set by hand for a profile's manual measure (an account's or a person's), with who and when. */
export interface ManualHealthValue {
  modelKey: string;
  profileId: string;
  measureKey: string;
  value: number;
  setBy: string;
  setAt: Date;
}

export async function saveManualHealthValue(scope: WorkspaceScope, target: Target, value: ManualHealthValue): Promise<void> {
  const t = healthTables[target];
  await sql`
    INSERT INTO ${sql.table(t.manual)} (workspace_id, model_key, ${sql.ref(t.id)}, measure_key, value, set_by, set_at)
    VALUES (${scope.workspaceId}::uuid, ${value.modelKey}, ${value.profileId}::uuid, ${value.measureKey}, ${value.value}::float8,
      ${value.setBy}, ${value.setAt}::timestamptz)
    ON CONFLICT (workspace_id, model_key, ${sql.ref(t.id)}, measure_key) DO UPDATE SET
      value = excluded.value, set_by = excluded.set_by, set_at = excluded.set_at`.execute(scope.db);
}

/** The hand-set values of some profiles under a model. */
export async function listManualHealthValues(
  scope: WorkspaceScope,
  target: Target,
  modelKey: string,
  profileIds: readonly string[],
): Promise<ManualHealthValue[]> {
  if (profileIds.length === 0) return [];
  const t = healthTables[target];
  const { rows } = await sql<{ profile_id: string; measure_key: string; value: number; set_by: string; set_at: Date }>`
    SELECT ${sql.ref(t.id)} AS profile_id, measure_key, value, set_by, set_at FROM ${sql.table(t.manual)}
    WHERE workspace_id = ${scope.workspaceId} AND model_key = ${modelKey} AND ${sql.ref(t.id)} = ANY(${[...profileIds]}::uuid[])`.execute(
    scope.db,
  );
  return rows.map((r) => ({
    modelKey,
    profileId: r.profile_id,
    measureKey: r.measure_key,
    value: r.value,
    setBy: r.set_by,
    setAt: r.set_at,
  }));
}
