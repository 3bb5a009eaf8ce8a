import { sql } from 'kysely';
import { defaultQuadrantThresholds, type QuadrantThresholds } from '@strata/core';
import { registerComputedFieldSql } from '../segments/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** The stored column of `account_health` each health rule field reads, under the workspace's default model. */
const healthColumns = { health_score: 'score', health_band: 'band', health_trend: 'trend' } as const;

/**
 * Registers the SQL of the health rule fields: on accounts each reads the account's stored row of
 * the `default` model (NULL, so missing, when not scored yet), on people the person's row of the
 * people's model (core's `registerHealthFields` says which), as the evaluator reads the same values
 * loaded onto the record. `quadrant` is core's `quadrantOf` written as a CASE over the `default`
 * and `value` scores and the workspace's thresholds. Returns the unregistration.
 */
export function registerHealthFieldSql(): () => void {
  const unregister = Object.entries(healthColumns).map(([field, column]) =>
    registerComputedFieldSql(
      'account',
      field,
      (a) => sql`(SELECT h.${sql.ref(column)} FROM account_health h
        WHERE h.workspace_id = ${sql.ref(`${a}.workspace_id`)} AND h.account_id = ${sql.ref(`${a}.account_id`)} AND h.model_key = 'default')`,
    ),
  );
  // People's fields read the workspace's first person model by key (core's `peopleHealthModelKey`; byte order,
  // as JavaScript sorts); person models are all stored, none is built in.
  for (const [field, column] of Object.entries(healthColumns))
    unregister.push(
      registerComputedFieldSql(
        'person',
        field,
        (p) => sql`(SELECT h.${sql.ref(column)} FROM person_health h
          WHERE h.workspace_id = ${sql.ref(`${p}.workspace_id`)} AND h.person_id = ${sql.ref(`${p}.person_id`)}
            AND h.model_key = (SELECT min(m.model_key COLLATE "C") FROM health_models m
              WHERE m.workspace_id = ${sql.ref(`${p}.workspace_id`)} AND m.definition ->> 'target' = 'person'))`,
      ),
    );
  const d = defaultQuadrantThresholds;
  const threshold = (name: keyof QuadrantThresholds) =>
    sql`coalesce((w.health_settings -> 'quadrant' ->> ${name})::float8, ${d[name]}::float8)`;
  unregister.push(
    registerComputedFieldSql(
      'account',
      'quadrant',
      (a) => sql`(SELECT CASE
          WHEN h.score < ${threshold('poorHealth')} THEN 'at-risk'
          WHEN h.score >= ${threshold('healthy')} THEN CASE WHEN v.score >= ${threshold('highValue')} THEN 'key-accounts' ELSE 'highest-potential' END
          ELSE CASE WHEN v.score >= ${threshold('highValue')} THEN 'watch' ELSE 'low-value' END
        END
        FROM account_health h
        JOIN account_health v ON v.workspace_id = h.workspace_id AND v.account_id = h.account_id AND v.model_key = 'value'
        JOIN workspaces w ON w.workspace_id = h.workspace_id
        WHERE h.workspace_id = ${sql.ref(`${a}.workspace_id`)} AND h.account_id = ${sql.ref(`${a}.account_id`)} AND h.model_key = 'default')`,
    ),
  );
  return () => unregister.forEach((u) => u());
}

/** The workspace's quadrant thresholds, the defaults filled in. */
export async function readQuadrantThresholds(scope: WorkspaceScope): Promise<QuadrantThresholds> {
  const row = await scope.db
    .selectFrom('workspaces')
    .select('health_settings')
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
  return { ...defaultQuadrantThresholds, ...row?.health_settings?.quadrant };
}

export async function writeQuadrantThresholds(scope: WorkspaceScope, thresholds: QuadrantThresholds): Promise<void> {
  await scope.db
    .updateTable('workspaces')
    .set({ health_settings: JSON.stringify({ quadrant: thresholds }) })
    .where('workspace_id', '=', scope.workspaceId)
    .execute();
}

/**
 * @internal The health fields of accounts as the evaluator reads them (`columns.health_score`
 * and so on, and what `quadrant` is computed from): what the SQL above reads, loaded onto records.
 */
export async function loadHealthColumns(
  scope: WorkspaceScope,
  accountIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const rows = await scope.db
    .selectFrom('account_health')
    .select(['account_id', 'model_key', 'score', 'band', 'trend'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('account_id', 'in', accountIds)
    .where('model_key', 'in', ['default', 'value'])
    .execute();
  const thresholds = await readQuadrantThresholds(scope);
  const byKey = new Map(rows.map((r) => [`${r.account_id}/${r.model_key}`, r]));
  return new Map(
    accountIds.map((accountId) => {
      const health = byKey.get(`${accountId}/default`);
      const value = byKey.get(`${accountId}/value`);
      const columns = {
        ...(health ? Object.fromEntries(Object.entries(healthColumns).map(([field, column]) => [field, health[column]])) : {}),
        ...(value ? { value_score: value.score } : {}),
        quadrant_thresholds: thresholds,
      };
      return [accountId, columns];
    }),
  );
}
