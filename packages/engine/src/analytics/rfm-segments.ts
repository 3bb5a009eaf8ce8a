import { validateRule, type Target } from '@strata/core';
import { loadFieldSchema, type WorkspaceScope } from '@strata/storage';
import type { Threshold } from './cluster-rule.js';
import { loadFeatureMatrix, maxSampledProfiles, sampleProfileIds } from './feature-matrix.js';
import type { SuggestionOutcome } from './suggest-segments.js';
import type { SuggestionFeature } from './suggestion-features.js';
import { suggestionOf, type Suggestion } from './suggestion.js';

export interface RfmRequest {
  target: Target;
  /** The event that is a purchase; its `amount` property is the money. */
  event?: string | undefined;
  seed?: number | undefined;
}

/** The purchase event when none is given. */
export const defaultRfmEvent = 'order_completed';
/** Frequency and money are counted over this window; recency looks back as far. */
const windowDays = 365;

/** The three RFM features of an event, as rule-language expressions. */
export function rfmFeatures(event: string): [SuggestionFeature, SuggestionFeature, SuggestionFeature] {
  const name = JSON.stringify(event);
  return [
    {
      key: 'recency_days',
      family: 'behaviour',
      kind: 'days-since',
      expression: `last(events ${name} within last ${windowDays} days)`,
      scale: 'log',
    },
    {
      key: 'frequency',
      family: 'behaviour',
      kind: 'number',
      expression: `count(events ${name} within last ${windowDays} days)`,
      scale: 'log',
    },
    {
      key: 'monetary',
      family: 'value',
      kind: 'number',
      expression: `sum(events ${name}.amount within last ${windowDays} days)`,
      scale: 'log',
    },
  ];
}

/**
 * Quintile scores 1-5 of values, higher for larger values (or for smaller ones with `lowerIsBetter`).
 * Ties never split: a value's score is 1 + floor(5 × (values strictly worse than it) / n), so every
 * profile with the same value has the same score, the lower one where a quintile edge falls inside a tie.
 */
export function quintileScores(values: readonly number[], lowerIsBetter = false): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return values.map((x) => {
    const worse = lowerIsBetter ? n - upperBound(sorted, x) : lowerBound(sorted, x);
    return 1 + Math.floor((5 * worse) / n);
  });
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** RFM groups by their scores (R, F, M each 1-5): a named region of the score cube. */
interface RfmGroup {
  name: string;
  /** Least and most score of each of R, F, M. */
  bounds: [[number, number], [number, number], [number, number]];
}

const rfmGroups: RfmGroup[] = [
  {
    name: 'Champions',
    bounds: [
      [4, 5],
      [4, 5],
      [4, 5],
    ],
  },
  {
    name: 'Loyal customers',
    bounds: [
      [3, 5],
      [4, 5],
      [1, 5],
    ],
  },
  {
    name: 'New customers',
    bounds: [
      [5, 5],
      [1, 1],
      [1, 5],
    ],
  },
  {
    name: 'At risk',
    bounds: [
      [1, 2],
      [3, 5],
      [1, 5],
    ],
  },
  {
    name: 'Hibernating',
    bounds: [
      [1, 2],
      [1, 2],
      [1, 5],
    ],
  },
  {
    name: 'Big spenders',
    bounds: [
      [1, 5],
      [1, 5],
      [5, 5],
    ],
  },
];

/**
 * RFM segments over a purchase event: recency, frequency and money (the event's `amount`) over
 * the last year, scored in quintiles among the sampled profiles that made a purchase, and the
 * classic groups (Champions, At risk, ...) written as thresholds on the three expressions.
 */
export async function suggestRfmSegments(scope: WorkspaceScope, request: RfmRequest): Promise<SuggestionOutcome> {
  const event = request.event ?? defaultRfmEvent;
  const features = rfmFeatures(event);
  const schema = await loadFieldSchema(scope);
  if (features.some((f) => !validateRule(`${f.expression} is set`, { target: request.target, schema }).ok))
    return { ok: false, problem: { code: 'unknown-event', field: 'event', event } };
  const ids = await sampleProfileIds(scope, request.target, maxSampledProfiles, request.seed ?? 1);
  const matrix = await loadFeatureMatrix(scope, request.target, features, ids);
  // Who never made the purchase has no recency: they are outside RFM, in no group.
  const buyers = matrix.values.flatMap((row, i) => (row[0] === null ? [] : [i]));
  const scored = new Map<number, number[]>();
  const columns = [0, 1, 2].map((f) => buyers.map((i) => matrix.values[i]![f] ?? 0));
  const scores = columns.map((column, f) => quintileScores(column, f === 0));
  for (const [b, i] of buyers.entries()) scored.set(i, [scores[0]![b]!, scores[1]![b]!, scores[2]![b]!]);
  const now = scope.clock();
  const suggestions: Suggestion[] = [];
  for (const group of rfmGroups) {
    const inGroup = matrix.values.map((_, i) => {
      const s = scored.get(i);
      return s !== undefined && group.bounds.every(([least, most], f) => s[f]! >= least && s[f]! <= most);
    });
    if (!inGroup.some(Boolean)) continue;
    const thresholds = group.bounds.flatMap(([least, most], f) => scoreThresholds(features[f]!, columns[f]!, scores[f]!, least, most));
    suggestions.push(suggestionOf(matrix, inGroup, thresholds, { schema, now, method: 'rfm', name: group.name }));
  }
  return { ok: true, value: { suggestions, k: suggestions.length, silhouette: 0, sampled: matrix.records.length } };
}

/** Score bounds written back as thresholds on the values: the least value scoring at least `least`, and so on. */
function scoreThresholds(feature: SuggestionFeature, values: number[], scores: number[], least: number, most: number): Threshold[] {
  const thresholds: Threshold[] = [];
  const scoring = (test: (s: number) => boolean) => values.filter((_, i) => test(scores[i]!));
  if (feature.kind === 'days-since') {
    // Recency scores higher for fewer days: "score >= least" is "within the most days such a score has".
    if (least > 1) thresholds.push({ feature, side: 'low', threshold: Math.max(1, Math.ceil(Math.max(...scoring((s) => s >= least)))) });
    if (most < 5) thresholds.push({ feature, side: 'high', threshold: Math.floor(Math.min(...scoring((s) => s <= most))) });
    return thresholds;
  }
  if (least > 1) thresholds.push({ feature, side: 'high', threshold: Math.min(...scoring((s) => s >= least)) });
  const higher = scoring((s) => s > most);
  if (most < 5 && higher.length > 0) thresholds.push({ feature, side: 'low', threshold: Math.min(...higher) });
  return thresholds;
}
