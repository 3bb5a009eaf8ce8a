import {
  displayedValue,
  encodedColumns,
  encodeRow,
  learnEncodings,
  type FeatureEncoding,
  type FeatureRow,
  type FeatureSpec,
  type FeatureValue,
} from './feature-encoding.js';
import { fitLogisticRegression, logisticProbability } from './logistic-regression.js';

/**
 * A trained churn model, plain data (stored as JSON): how features become columns, the training
 * mean and spread of each column, and logistic coefficients on the standardised columns.
 */
export interface ChurnModel {
  kind: 'logistic-regression';
  encodings: FeatureEncoding[];
  columns: string[];
  means: number[];
  /** Standard deviations; a constant column keeps 1, so its standardised value is always 0. */
  scales: number[];
  intercept: number;
  weights: number[];
  l2: number;
}

/** One feature's part in a prediction: `effect` in log-odds against an average training example. */
export interface Contribution {
  feature: string;
  value: FeatureValue;
  effect: number;
}

export interface ChurnPrediction {
  probability: number;
  /** Largest effects first; the intercept plus all effects is the prediction's log-odds. */
  contributions: Contribution[];
}

/** The penalty on standardised inputs: enough to keep rare one-hot columns and separated data tame. */
export const defaultL2 = 1;

/** Trains the model on examples with 0/1 outcomes. */
export function trainChurnModel(
  specs: readonly FeatureSpec[],
  rows: readonly FeatureRow[],
  outcomes: readonly number[],
  l2 = defaultL2,
): ChurnModel {
  const encodings = learnEncodings(specs, rows);
  const matrix = rows.map((row) => encodeRow(encodings, row));
  const width = encodedColumns(encodings).length;
  const means = Array.from({ length: width }, (_, j) => matrix.reduce((sum, r) => sum + r[j]!, 0) / Math.max(1, matrix.length));
  const scales = means.map((mean, j) => {
    const variance = matrix.reduce((sum, r) => sum + (r[j]! - mean) ** 2, 0) / Math.max(1, matrix.length);
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  const standardised = matrix.map((r) => r.map((v, j) => (v - means[j]!) / scales[j]!));
  const { intercept, weights } = fitLogisticRegression(standardised, outcomes, { l2 });
  return {
    kind: 'logistic-regression',
    encodings,
    columns: encodedColumns(encodings).map((c) => c.column),
    means,
    scales,
    intercept,
    weights,
    l2,
  };
}

/** The probability of churn for one example and each feature's contribution to it. */
export function predictChurn(model: ChurnModel, row: FeatureRow): ChurnPrediction {
  const standardised = encodeRow(model.encodings, row).map((v, j) => (v - model.means[j]!) / model.scales[j]!);
  const features = encodedColumns(model.encodings).map((c) => c.feature);
  const effects = new Map<string, number>();
  standardised.forEach((z, j) => effects.set(features[j]!, (effects.get(features[j]!) ?? 0) + model.weights[j]! * z));
  const contributions = model.encodings
    .map((encoding) => ({ feature: encoding.name, value: displayedValue(encoding, row), effect: effects.get(encoding.name) ?? 0 }))
    .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || a.feature.localeCompare(b.feature));
  return { probability: logisticProbability({ intercept: model.intercept, weights: model.weights }, standardised), contributions };
}
