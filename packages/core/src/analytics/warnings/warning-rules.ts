import { containedWarning, nearDuplicateWarning } from './overlap-warnings.js';
import { emptyWarning, giantWarning, tinyWarning } from './size-warnings.js';
import { tooManyWarning, uncoveredWarning, unusedWarning } from './usage-warnings.js';
import type { AnalyticsWarning, WarningFacts, WarningRule } from './warning-model.js';

/**
 * Every warning found from sizes, overlap and readers, in the order answers list them. Warnings
 * that need more than these facts (`mixed`, from clustering members) are sources in the engine.
 */
export const warningRules: readonly WarningRule[] = [
  nearDuplicateWarning,
  containedWarning,
  tinyWarning,
  giantWarning,
  emptyWarning,
  unusedWarning,
  tooManyWarning,
  uncoveredWarning,
];

/** The warnings every rule finds in the facts. */
export function findWarnings(facts: WarningFacts, rules: readonly WarningRule[] = warningRules): AnalyticsWarning[] {
  return rules.flatMap((rule) => rule.find(facts));
}
