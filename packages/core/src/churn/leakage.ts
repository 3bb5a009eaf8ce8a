import type { FeatureRow, FeatureSpec, FeatureValue } from './feature-encoding.js';
import { foldsOf, outOfFoldScores } from './folds.js';
import { rocAuc } from './metrics.js';

/** A feature that alone separates the outcome almost perfectly: usually it is written because of the outcome. */
export interface Leak {
  feature: string;
  /** ROC AUC of the feature alone, out of fold. */
  auc: number;
  /** Kept in the model because the user asked to. */
  kept: boolean;
}

/** A feature alone reaching this AUC is reported and left out unless kept. */
export const leakAucThreshold = 0.95;

/**
 * How well one feature alone separates the outcome, measured so any shape of relation counts: the
 * values are cut into bins (tenths of the training values for numbers, one per category, one for
 * missing), each bin scored by its training positive rate, and the rate scored out of fold, so an
 * identifier (every value unique) scores no better than chance.
 */
export function singleFeatureAuc(
  spec: FeatureSpec,
  rows: readonly FeatureRow[],
  outcomes: readonly number[],
  groups?: readonly string[],
  folds = 5,
): number | null {
  const foldOf = foldsOf(outcomes, groups, folds);
  const indexes = rows.map((_, i) => i);
  const scores = outOfFoldScores(indexes, foldOf, folds, (train, _, test) => {
    const binOf = binner(
      spec,
      train.map((i) => rows[i]![spec.name] ?? null),
    );
    const counts = new Map<string, { n: number; positives: number }>();
    let positives = 0;
    for (const i of train) {
      const bin = binOf(rows[i]![spec.name] ?? null);
      const count = counts.get(bin) ?? { n: 0, positives: 0 };
      count.n += 1;
      count.positives += outcomes[i]!;
      positives += outcomes[i]!;
      counts.set(bin, count);
    }
    // One pseudo-example at the overall rate keeps a bin seen once from scoring 0 or 1.
    const prior = positives / Math.max(1, train.length);
    return test.map((i) => {
      const count = counts.get(binOf(rows[i]![spec.name] ?? null));
      return count === undefined ? prior : (count.positives + prior) / (count.n + 1);
    });
  });
  return rocAuc(scores, outcomes);
}

function binner(spec: FeatureSpec, values: readonly FeatureValue[]): (value: FeatureValue) => string {
  if (spec.kind === 'category') return (value) => (value === null || value === '' ? '(blank)' : String(value));
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  const cuts = [
    ...new Set(Array.from({ length: 9 }, (_, k) => sorted[Math.floor(((k + 1) * sorted.length) / 10)]).filter((v) => v !== undefined)),
  ];
  return (value) => (typeof value === 'number' && Number.isFinite(value) ? `bin ${cuts.filter((cut) => cut <= value).length}` : 'missing');
}

/** The features that alone reach the leak threshold, strongest first, marked kept when the user asked to keep them. */
export function findLeaks(
  specs: readonly FeatureSpec[],
  rows: readonly FeatureRow[],
  outcomes: readonly number[],
  keep: readonly string[] = [],
  groups?: readonly string[],
): Leak[] {
  return specs
    .map((spec) => ({ feature: spec.name, auc: singleFeatureAuc(spec, rows, outcomes, groups) }))
    .filter((r): r is { feature: string; auc: number } => r.auc !== null && r.auc >= leakAucThreshold)
    .map((r) => ({ ...r, kept: keep.includes(r.feature) }))
    .sort((a, b) => b.auc - a.auc);
}

/**
 * Categories with about one value per example or group (names, domains, external ids) say which
 * account a row is, not how it behaves: a model would memorise them. Left out before training.
 */
export function findIdentifiers(specs: readonly FeatureSpec[], rows: readonly FeatureRow[], groups?: readonly string[]): string[] {
  const units = groups === undefined ? rows.length : new Set(groups).size;
  return specs
    .filter((spec) => spec.kind === 'category')
    .filter((spec) => {
      const distinct = new Set(rows.map((row) => row[spec.name]).filter((v) => v !== null && v !== '' && v !== undefined)).size;
      return distinct > 20 && distinct >= units / 2;
    })
    .map((spec) => spec.name);
}
