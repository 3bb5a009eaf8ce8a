import { registerHealthFields } from '@strata/core';
import { registerHealthFieldSql } from '@strata/storage';

let registered = false;

/**
 * Makes `health_score`, `health_band` and `health_trend` rule fields in this process, once: the
 * checker, evaluator and SQL compiler then know them. Every program that checks or runs rules
 * (server, worker, CLI, tests) calls it before it does.
 */
export function ensureHealthFieldsRegistered(): void {
  if (registered) return;
  registerHealthFields();
  registerHealthFieldSql();
  registered = true;
}
