import { predictChurn, trainChurnModel } from './churn-model.js';
import type { FeatureRow, FeatureSpec } from './feature-encoding.js';
import { foldsOf, outOfFoldScores } from './folds.js';

/**
 * The L2 strengths tried, weakest first, on standardised inputs (in units of the summed log-loss).
 * Two decades around 1: stronger penalties flatten every feature towards the base rate, which on
 * the small, one-sided histories most workspaces have won log-loss by noise while ranking worse.
 */
export const l2Candidates: readonly number[] = [0.1, 1, 10];

/** Mean log-loss of probabilities, clipped so one confident miss cannot be infinite. */
export function logLoss(probabilities: readonly number[], outcomes: readonly number[]): number {
  const clip = (p: number) => Math.min(1 - 1e-12, Math.max(1e-12, p));
  return (
    -probabilities.reduce((sum, p, i) => sum + (outcomes[i] === 1 ? Math.log(clip(p)) : Math.log(1 - clip(p))), 0) /
    Math.max(1, probabilities.length)
  );
}

/**
 * Picks the L2 strength with the lowest out-of-fold log-loss on the training examples (folds by
 * group when given), so that small or noisy data gets a stronger penalty and calibrated
 * probabilities instead of confident ones. Ties keep the weaker penalty.
 */
export function chooseL2(
  specs: readonly FeatureSpec[],
  rows: readonly FeatureRow[],
  outcomes: readonly number[],
  groups?: readonly string[],
  folds = 3,
): number {
  const foldOf = foldsOf(outcomes, groups, folds);
  const indexes = rows.map((_, i) => i);
  let best = { l2: l2Candidates[0]!, loss: Infinity };
  for (const l2 of l2Candidates) {
    const scores = outOfFoldScores(indexes, foldOf, folds, (train, _, test) => {
      const model = trainChurnModel(
        specs,
        train.map((i) => rows[i]!),
        train.map((i) => outcomes[i]!),
        l2,
      );
      return test.map((i) => predictChurn(model, rows[i]!).probability);
    });
    const loss = logLoss(scores, outcomes);
    if (loss < best.loss - 1e-12) best = { l2, loss };
  }
  return best.l2;
}
