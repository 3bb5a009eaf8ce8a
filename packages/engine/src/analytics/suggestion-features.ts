import type { Target } from '@strata/core';

/**
 * How a feature's value reads and how a threshold on it is written back as a rule:
 * - `number`: the expression's value (`count(...) >= 12` / `count(...) < 12`);
 * - `days-since`: days from a date expression to now (`last(events) within last 14 days` /
 *   `last(events) more than 14 days ago`);
 * - `category`: 1 when the field equals `value`, else 0 (`plan = "free"` / `plan != "free"`).
 */
export type FeatureKind = 'number' | 'days-since' | 'category';

/** Which side of a profile a feature describes, as the brief of suggested segments groups them. */
export type FeatureFamily = 'behaviour' | 'value' | 'support' | 'voice';

/** One clustering feature: a rule-language expression, so that any threshold on it is a rule. */
export interface SuggestionFeature {
  key: string;
  family: FeatureFamily;
  kind: FeatureKind;
  /** The rule-language expression whose value the feature is (for `category`, the field). */
  expression: string;
  /** For `category`: the value it tests for. */
  value?: string;
  /**
   * How clustering sees it: `log` for counts, money and days that run over orders of magnitude,
   * where 1 against 8 days matters more than 200 against 207 (log(1 + x) before standardising).
   * Rules and reported values stay in the feature's own units.
   */
  scale: 'linear' | 'log';
}

const number = (
  key: string,
  family: FeatureFamily,
  expression: string,
  scale: SuggestionFeature['scale'] = 'linear',
): SuggestionFeature => ({
  key,
  family,
  kind: 'number',
  expression,
  scale,
});

/** Features both targets have: activity, support and what customers said, read through the rule language. */
const sharedFeatures: SuggestionFeature[] = [
  number('events_7d', 'behaviour', 'count(events within last 7 days)', 'log'),
  number('events_30d', 'behaviour', 'count(events within last 30 days)', 'log'),
  number('active_days_7d', 'behaviour', 'days(events within last 7 days)', 'log'),
  number('active_days_30d', 'behaviour', 'days(events within last 30 days)', 'log'),
  number('active_days_90d', 'behaviour', 'days(events within last 90 days)', 'log'),
  { key: 'days_since_last_event', family: 'behaviour', kind: 'days-since', expression: 'last(events within last 365 days)', scale: 'log' },
  number('tickets_90d', 'support', 'count(tickets within last 90 days)', 'log'),
  // Sentiment and answers over all time: they are few rows, and a customer who said nothing for a
  // year still said what they said.
  number('ticket_sentiment', 'support', 'avg(tickets.sentiment)'),
  number('csat', 'voice', 'avg(tickets.csat)'),
  number('nps', 'voice', 'avg(surveys.nps)'),
];

/** Categorical traits whose most common values become 0/1 features, per target. */
export const categoricalTraits: Record<Target, readonly string[]> = {
  person: [],
  account: ['plan', 'status'],
};

/** The numeric features of a target; categorical ones depend on the workspace's values (`categoryFeature`). */
export function numericFeatures(target: Target): SuggestionFeature[] {
  return target === 'account' ? [...sharedFeatures, number('mrr', 'value', 'mrr', 'log')] : [...sharedFeatures];
}

/** The 0/1 feature "trait equals value", keyed `plan=free`. */
export function categoryFeature(trait: string, value: string): SuggestionFeature {
  return { key: `${trait}=${value}`, family: 'value', kind: 'category', expression: trait, value, scale: 'linear' };
}
