import { sql, type RawBuilder } from 'kysely';

/** How SQL reads `churn_risk` of the account row aliased `alias`: its stored probability, NULL without a score. */
export function churnRiskSql(alias: string): RawBuilder<unknown> {
  return sql`(SELECT c.probability FROM churn_scores c WHERE c.workspace_id = ${sql.ref(`${alias}.workspace_id`)} AND c.account_id = ${sql.ref(`${alias}.account_id`)})`;
}
