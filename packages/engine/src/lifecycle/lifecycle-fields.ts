import { registerLifecycleStageField, registerMrrChangeField } from '@strata/core';
import { lifecycleStageSql, mrrChangeSql, registerComputedFieldSql } from '@strata/storage';

let registered = false;

/**
 * Makes the lifecycle rule fields of accounts (`mrr_change_90d`, `lifecycle_stage`) known in this process, once, to
 * the checker, the evaluator and SQL. Health models read them, so registering the health fields
 * registers these too.
 */
export function ensureLifecycleFieldsRegistered(): void {
  if (registered) return;
  registered = true;
  registerMrrChangeField();
  registerComputedFieldSql('account', 'mrr_change_90d', mrrChangeSql);
  registerLifecycleStageField();
  registerComputedFieldSql('account', 'lifecycle_stage', lifecycleStageSql);
}
