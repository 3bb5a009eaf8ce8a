import { sql } from 'kysely';
import { registerComputedFieldSql } from '../segments/computed-field-sql.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** The stored column of `account_health` each health rule field reads, under the workspace's default model. */
const healthColumns = { health_score: 'score', health_band: 'band', health_trend: 'trend' } as const;

/**
 * Registers the SQL of the health rule fields: each reads the account's stored row of the
 * `default` model (NULL, so missing, when not scored yet), as the evaluator reads the same values
 * loaded onto the record. Returns the unregistration.
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
  return () => unregister.forEach((u) => u());
}

/**
 * @internal The health fields of an account as the evaluator reads them (`columns.health_score`
 * and so on): what the SQL above reads, loaded onto the record.
 */
export async function loadHealthColumns(scope: WorkspaceScope, accountId: string): Promise<Record<string, unknown>> {
  const row = await scope.db
    .selectFrom('account_health')
    .select(['score', 'band', 'trend'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('account_id', '=', accountId)
    .where('model_key', '=', 'default')
    .executeTakeFirst();
  if (!row) return {};
  return Object.fromEntries(Object.entries(healthColumns).map(([field, column]) => [field, row[column]]));
}
