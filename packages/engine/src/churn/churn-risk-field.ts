import { registerComputedField } from '@strata/core';
import { churnRiskSql, registerComputedFieldSql } from '@strata/storage';

/** The topic a rule on `churn_risk` listens to; scoring an account queues work with it. */
export const churnRiskTopic = 'churn-risk';

let registered = false;

/**
 * Makes `churn_risk` (0-1, the account's stored churn probability) a field of account rules in
 * this process, for the checker, the evaluator and SQL. Every root that checks or runs rules
 * calls it; calling it again does nothing.
 */
export function ensureChurnRiskFieldRegistered(): void {
  if (registered) return;
  registered = true;
  registerComputedField({
    name: 'churn_risk',
    target: 'account',
    type: 'number',
    topics: [churnRiskTopic],
    // loadAccountRecord loads every registered computed field's SQL value into `columns`.
    read: (record) => record.columns['churn_risk'],
  });
  registerComputedFieldSql('account', 'churn_risk', churnRiskSql);
}
