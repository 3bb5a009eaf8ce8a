import type { HealthModelInput } from './validate-health-model.js';

/** The key of the predefined value model the quadrant reads with the default health model. */
export const valueModelKey = 'value';

/**
 * The predefined account value model, scored like a health model: revenue (MRR) and seats, as of
 * now. A workspace edits it like any model (for instance to add an expansion trait it keeps).
 */
export const defaultValueModel: HealthModelInput = {
  name: 'Account value',
  target: 'account',
  method: 'weighted',
  measures: [
    { key: 'revenue', name: 'MRR', expression: 'mrr', weight: 60, scoring: { type: 'linear', min: 0, max: 5000 }, missing: 'zero' },
    { key: 'seats', name: 'Seats', expression: 'seats', weight: 25, scoring: { type: 'linear', min: 0, max: 100 }, missing: 'zero' },
    {
      // Growth on the MRR of 90 days ago: none (or a cut) scores 0, +50% scores 100; no MRR
      // history that old is no growth shown yet.
      key: 'expansion',
      name: 'MRR growth on 90 days ago',
      expression: 'mrr_change_90d / (mrr - mrr_change_90d)',
      weight: 15,
      scoring: { type: 'linear', min: 0, max: 0.5 },
      missing: 'zero',
    },
  ],
  bands: [
    { key: 'low', name: 'Low', min: 0 },
    { key: 'high', name: 'High', min: 50 },
  ],
};

export const quadrants = ['key-accounts', 'highest-potential', 'low-value', 'at-risk', 'watch'] as const;
/** Where an account sits by value and health; `watch` is high value with middling health, which the seed's four groups leave out. */
export type Quadrant = (typeof quadrants)[number];

/** Workspace settings: value at or above `highValue` is high; health below `poorHealth` is poor, at or above `healthy` is healthy. */
export interface QuadrantThresholds {
  highValue: number;
  healthy: number;
  poorHealth: number;
}

export const defaultQuadrantThresholds: QuadrantThresholds = { highValue: 50, healthy: 70, poorHealth: 40 };

/**
 * The quadrant of a value and a health score (both 0-100): poor health is `at-risk` whatever the
 * value; healthy is `key-accounts` (high value) or `highest-potential`; middling is `watch` (high
 * value) or `low-value`. storage's SQL for the `quadrant` field is the same table.
 */
export function quadrantOf(value: number, health: number, t: QuadrantThresholds): Quadrant {
  if (health < t.poorHealth) return 'at-risk';
  const high = value >= t.highValue;
  if (health >= t.healthy) return high ? 'key-accounts' : 'highest-potential';
  return high ? 'watch' : 'low-value';
}
