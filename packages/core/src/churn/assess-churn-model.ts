import { chooseL2 } from './choose-penalty.js';
import { predictChurn, trainChurnModel, type ChurnModel } from './churn-model.js';
import type { FeatureRow, FeatureSpec } from './feature-encoding.js';
import { foldsOf, outOfFoldScores } from './folds.js';
import { findIdentifiers, findLeaks, type Leak } from './leakage.js';
import { probabilityQuality, type ProbabilityQuality } from './metrics.js';
import { churnWarnings, type ChurnWarning } from './quality-warnings.js';

/** Examples with 0/1 outcomes (1 = churned) and the features they carry. */
export interface LabelledExamples {
  specs: readonly FeatureSpec[];
  rows: readonly FeatureRow[];
  outcomes: readonly number[];
  /** Which unit each example is (an account, present at several snapshots); examples of one unit share a fold. */
  groups?: readonly string[];
}

/** A model with its quality measured on examples it did not learn from. */
export interface ChurnAssessment {
  quality: ProbabilityQuality;
  leaks: Leak[];
  /** Categories left out as identifiers (about one value per account). */
  identifiers: string[];
  warnings: ChurnWarning[];
  /** The features the model uses (leaks not kept are left out). */
  features: string[];
  model: ChurnModel;
}

function withoutLeaks(examples: LabelledExamples, keep: readonly string[]) {
  const identifiers = findIdentifiers(examples.specs, examples.rows, examples.groups);
  const candidates = examples.specs.filter((s) => !identifiers.includes(s.name));
  const leaks = findLeaks(candidates, examples.rows, examples.outcomes, keep, examples.groups);
  const dropped = new Set(leaks.filter((l) => !l.kept).map((l) => l.feature));
  return { leaks, identifiers, specs: candidates.filter((s) => !dropped.has(s.name)) };
}

/**
 * k-fold cross-validation (stratified, deterministic): each example is scored by a model trained
 * without it; the model returned is then trained on all examples. For data with no time order,
 * such as a CSV.
 */
export function crossValidateChurnModel(
  examples: LabelledExamples,
  options: { folds?: number; keep?: readonly string[] } = {},
): ChurnAssessment {
  const folds = options.folds ?? 5;
  const { leaks, identifiers, specs } = withoutLeaks(examples, options.keep ?? []);
  const indexes = examples.rows.map((_, i) => i);
  const scores = outOfFoldScores(indexes, foldsOf(examples.outcomes, examples.groups, folds), folds, (train, _, test) => {
    const trainRows = train.map((i) => examples.rows[i]!);
    const trainOutcomes = train.map((i) => examples.outcomes[i]!);
    // The penalty is chosen inside each fold, so the fold left out plays no part in it.
    const l2 = chooseL2(
      specs,
      trainRows,
      trainOutcomes,
      examples.groups === undefined ? undefined : train.map((i) => examples.groups![i]!),
    );
    const model = trainChurnModel(specs, trainRows, trainOutcomes, l2);
    return test.map((i) => predictChurn(model, examples.rows[i]!).probability);
  });
  const quality = probabilityQuality(scores, examples.outcomes);
  return {
    quality,
    leaks,
    identifiers,
    warnings: churnWarnings(quality.n, quality.positives, quality.auc),
    features: specs.map((s) => s.name),
    model: trainChurnModel(specs, examples.rows, examples.outcomes, chooseL2(specs, examples.rows, examples.outcomes, examples.groups)),
  };
}

/**
 * Trains on an earlier period and measures on a later one (what a workspace's history allows:
 * the model is judged on a future it never saw); the model returned is then trained on both.
 */
export function assessOnLaterPeriod(
  earlier: LabelledExamples,
  later: LabelledExamples,
  options: { keep?: readonly string[] } = {},
): ChurnAssessment {
  const { leaks, identifiers, specs } = withoutLeaks(earlier, options.keep ?? []);
  const trained = trainChurnModel(specs, earlier.rows, earlier.outcomes, chooseL2(specs, earlier.rows, earlier.outcomes, earlier.groups));
  const quality = probabilityQuality(
    later.rows.map((row) => predictChurn(trained, row).probability),
    later.outcomes,
  );
  const warnings = churnWarnings(quality.n, quality.positives, quality.auc);
  // The training period must also hold both outcomes in number, or the model learnt little.
  for (const w of churnWarnings(earlier.rows.length, earlier.outcomes.filter((y) => y === 1).length, 1))
    if (!warnings.some((known) => known.code === w.code)) warnings.push({ ...w, message: `training period: ${w.message}` });
  return {
    quality,
    leaks,
    identifiers,
    warnings,
    features: specs.map((s) => s.name),
    // Both periods train the model kept, with the penalty chosen on the earlier one.
    model: trainChurnModel(specs, [...earlier.rows, ...later.rows], [...earlier.outcomes, ...later.outcomes], trained.l2),
  };
}
