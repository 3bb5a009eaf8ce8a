import type { SuggestionFeature } from './suggestion-features.js';

/** One threshold of a rule: the feature's high side or low side of `threshold`. */
export interface Threshold {
  feature: SuggestionFeature;
  side: 'high' | 'low';
  threshold: number;
}

/** The most conditions a suggested rule has: a rule a person can read and edit. */
export const maxRuleConditions = 3;
/** A condition is added only when it raises F1 by at least this much. */
const minGain = 0.01;
/** Candidate thresholds tried per feature and step: quantiles of the values still selected. */
const candidatesPerFeature = 32;

/**
 * Whether a value is on a threshold's side, as the rule it prints to decides: a missing value
 * (null) is on neither side, as every comparison on a missing value is false in the rule language.
 */
export function onSide(t: Threshold, value: number | null): boolean {
  if (value === null) return false;
  switch (t.feature.kind) {
    case 'number':
      return t.side === 'high' ? value >= t.threshold : value < t.threshold;
    case 'days-since':
      // `within last N days` includes the boundary; `more than N days ago` does not.
      return t.side === 'high' ? value > t.threshold : value <= t.threshold;
    case 'category':
      return t.side === 'high' ? value === 1 : value === 0;
  }
}

/** A threshold in the rule language. */
export function thresholdText(t: Threshold): string {
  const { feature } = t;
  switch (feature.kind) {
    case 'number':
      return `${feature.expression} ${t.side === 'high' ? '>=' : '<'} ${t.threshold}`;
    case 'days-since':
      return t.side === 'high'
        ? `${feature.expression} more than ${t.threshold} days ago`
        : `${feature.expression} within last ${t.threshold} days`;
    case 'category':
      return `${feature.expression} ${t.side === 'high' ? '=' : '!='} ${JSON.stringify(feature.value ?? '')}`;
  }
}

/**
 * A short conjunction of thresholds that selects the points of `inCluster`: a decision list grown
 * greedily, each step adding the one threshold (any feature, either side) that most raises F1
 * against the cluster, up to `maxRuleConditions`. Thresholds are rounded as the rule prints them
 * (whole numbers for counts and days) before they are scored, so the score is the rule's.
 */
export function thresholdsForCluster(
  features: readonly SuggestionFeature[],
  values: ReadonlyArray<ReadonlyArray<number | null>>,
  inCluster: readonly boolean[],
): Threshold[] {
  const chosen: Threshold[] = [];
  let selected = values.map(() => true);
  let score = f1(selected, inCluster);
  while (chosen.length < maxRuleConditions) {
    let best: { threshold: Threshold; score: number; selected: boolean[] } | undefined;
    for (const [f, feature] of features.entries()) {
      const column = values.map((row) => row[f] ?? null);
      for (const candidate of candidateThresholds(feature, column, selected)) {
        for (const side of ['high', 'low'] as const) {
          const threshold: Threshold = { feature, side, threshold: candidate };
          const next = selected.map((s, i) => s && onSide(threshold, column[i]!));
          const nextScore = f1(next, inCluster);
          if (!best || nextScore > best.score + 1e-12) best = { threshold, score: nextScore, selected: next };
        }
      }
    }
    if (!best || best.score < score + minGain) break;
    // A tighter threshold on a side already bounded replaces the looser one: the selection is the same.
    const { feature, side } = best.threshold;
    const same = chosen.findIndex((t) => t.feature === feature && t.side === side);
    if (same >= 0) chosen.splice(same, 1);
    chosen.push(best.threshold);
    selected = best.selected;
    score = best.score;
  }
  return chosen;
}

function candidateThresholds(feature: SuggestionFeature, column: ReadonlyArray<number | null>, selected: readonly boolean[]): number[] {
  if (feature.kind === 'category') return [0.5];
  const present = [...new Set(column.filter((v, i): v is number => v !== null && selected[i]!))].sort((a, b) => a - b);
  if (present.length < 2) return [];
  const integers = feature.kind === 'days-since' || present.every(Number.isInteger);
  const step = Math.max(1, Math.floor(present.length / candidatesPerFeature));
  const candidates = new Set<number>();
  for (let i = step; i < present.length; i += step) {
    const middle = (present[i - 1]! + present[i]!) / 2;
    candidates.add(integers ? Math.max(feature.kind === 'days-since' ? 1 : 0, Math.ceil(middle)) : roundTo2(middle));
  }
  return [...candidates];
}

function roundTo2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** F1 of a selection against the truth: 0 when either is empty. */
function f1(selected: readonly boolean[], truth: readonly boolean[]): number {
  let both = 0;
  let chosen = 0;
  let actual = 0;
  for (const [i, s] of selected.entries()) {
    if (s) chosen++;
    if (truth[i]) actual++;
    if (s && truth[i]) both++;
  }
  return chosen === 0 || actual === 0 ? 0 : (2 * both) / (chosen + actual);
}

/** Precision and recall of the rule's members against the cluster's, on the clustered profiles. */
export function fidelity(members: readonly boolean[], inCluster: readonly boolean[]): { precision: number; recall: number } {
  let both = 0;
  let chosen = 0;
  let actual = 0;
  for (const [i, m] of members.entries()) {
    if (m) chosen++;
    if (inCluster[i]) actual++;
    if (m && inCluster[i]) both++;
  }
  return { precision: chosen === 0 ? 0 : both / chosen, recall: actual === 0 ? 0 : both / actual };
}
