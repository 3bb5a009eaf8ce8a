import { evaluateRule, validateRule, type FieldSchema, type Target } from '@strata/core';
import { fidelity, thresholdText, type Threshold } from './cluster-rule.js';
import type { FeatureMatrix } from './feature-matrix.js';
import type { SuggestionFeature } from './suggestion-features.js';

/** How a feature differs in a group: its mean there and over the rest of the sample (missing values left out). */
export interface Distinguishing {
  feature: string;
  value: number | null;
  rest: number | null;
}

/** A suggested segment: an editable rule, how well it matches the group found, and a ready `POST /api/v1/segments` body. */
export interface Suggestion {
  name: string;
  method: 'kmeans' | 'rfm';
  rule: string;
  /** Profiles of the sample in the group found. */
  size: number;
  /** Share of the sample in the group. */
  share: number;
  /** Of the sample's profiles the rule selects, the share in the group (precision), and of the group's, the share it selects (recall). */
  fidelity: { precision: number; recall: number };
  /** Features that differ most between the group and the rest, most different first. */
  distinguishing: Distinguishing[];
  segment: { key: string; name: string; target: Target; rule: string };
}

/** Features reported as distinguishing per suggestion. */
const distinguishingShown = 3;

/**
 * The suggestion for one group of a sample: the rule the thresholds print to, checked by the
 * rule validator, and its fidelity measured by evaluating that rule on the sample's profiles.
 */
export function suggestionOf(
  matrix: FeatureMatrix,
  inGroup: readonly boolean[],
  thresholds: readonly Threshold[],
  context: { schema: FieldSchema; now: Date; method: Suggestion['method']; name?: string },
): Suggestion {
  const text = thresholds.map(thresholdText).join(' and ');
  const checked = validateRule(text, { target: matrix.target, schema: context.schema });
  if (!checked.ok) throw new Error(`invariant: a suggested rule does not check: ${text}: ${checked.diagnostics[0]?.message ?? ''}`);
  const members = matrix.records.map((record) => evaluateRule(checked.rule, record, context.now, 'UTC'));
  const size = inGroup.filter(Boolean).length;
  const distinguishing = distinguishingFeatures(matrix, inGroup);
  const name = context.name ?? nameOf(distinguishing, matrix.features);
  return {
    name,
    method: context.method,
    rule: checked.text,
    size,
    share: matrix.records.length === 0 ? 0 : size / matrix.records.length,
    fidelity: fidelity(members, inGroup),
    distinguishing: distinguishing.slice(0, distinguishingShown).map(({ feature, value, rest }) => ({ feature, value, rest })),
    segment: { key: keyOf(context.method, name), name, target: matrix.target, rule: checked.text },
  };
}

/** Features ordered by how far the group's mean is from the rest's, in standard deviations of the sample. */
function distinguishingFeatures(matrix: FeatureMatrix, inGroup: readonly boolean[]): Array<Distinguishing & { distance: number }> {
  return matrix.features
    .map((feature, f) => {
      const column = matrix.values.map((row) => row[f] ?? null);
      const group = column.filter((v, i): v is number => v !== null && inGroup[i]!);
      const rest = column.filter((v, i): v is number => v !== null && !inGroup[i]!);
      const sd = deviation(column.filter((v): v is number => v !== null));
      const value = mean(group);
      const restValue = mean(rest);
      const distance = value === null || restValue === null || sd === 0 ? 0 : (value - restValue) / sd;
      return { feature: feature.key, value: round(value), rest: round(restValue), distance };
    })
    .sort((a, b) => Math.abs(b.distance) - Math.abs(a.distance) || a.feature.localeCompare(b.feature));
}

function nameOf(distinguishing: ReadonlyArray<Distinguishing & { distance: number }>, features: readonly SuggestionFeature[]): string {
  const parts = distinguishing
    .filter((d) => d.distance !== 0)
    .slice(0, 2)
    .map((d) => {
      const feature = features.find((f) => f.key === d.feature)!;
      if (feature.kind === 'category') return `${d.distance > 0 ? '' : 'not '}${feature.expression} ${feature.value ?? ''}`;
      return `${d.distance > 0 ? 'high' : 'low'} ${feature.key.replaceAll('_', ' ')}`;
    });
  const text = parts.length === 0 ? 'everyone else' : parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A segment key from the name: `suggested-high-tickets-90d-low-csat-365d`, within the key pattern's 63 characters. */
function keyOf(method: Suggestion['method'], name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${method === 'rfm' ? 'rfm' : 'suggested'}-${slug}`.slice(0, 63).replace(/-$/, '');
}

function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function deviation(xs: readonly number[]): number {
  const m = mean(xs);
  return m === null ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}
