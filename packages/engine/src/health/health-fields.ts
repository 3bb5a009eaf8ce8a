import { registerHealthFields } from '@strata/core';
import { registerHealthFieldSql } from '@strata/storage';
import { ensureLifecycleFieldsRegistered } from '../lifecycle/index.js';

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
  // Health models read the lifecycle fields (the value model's MRR change).
  ensureLifecycleFieldsRegistered();
  registered = true;
}
