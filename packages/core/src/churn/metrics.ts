/** Quality of predicted probabilities against 0/1 outcomes, as `GET /api/v1/churn-model` and `strata churn evaluate` report it. */
export interface ProbabilityQuality {
  /** Examples measured. */
  n: number;
  positives: number;
  /** ROC AUC; null when only one class occurs (it is undefined then). */
  auc: number | null;
  brier: number;
  /** Positive rate among the top tenth by probability over the overall rate; null without positives. */
  liftTopDecile: number | null;
  calibration: CalibrationBin[];
}

/** One tenth of the examples by predicted probability (decile 1 the lowest): mean predicted vs observed rate. */
export interface CalibrationBin {
  decile: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
}

/**
 * ROC AUC by ranks (the Mann-Whitney U statistic over positives × negatives): tied probabilities
 * share the mean of their ranks, so a tie between a positive and a negative counts one half.
 */
export function rocAuc(probabilities: readonly number[], outcomes: readonly number[]): number | null {
  const order = probabilities.map((p, i) => ({ p, y: outcomes[i]! })).sort((a, b) => a.p - b.p);
  const positives = order.filter((o) => o.y === 1).length;
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.p === order[start]!.p) end += 1;
    // Ranks are 1-based: the tie group start..end shares the mean of ranks start+1..end+1.
    const meanRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i += 1) if (order[i]!.y === 1) positiveRankSum += meanRank;
    start = end + 1;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared difference between probability and outcome: 0 is perfect, 0.25 is a coin at 50%. */
export function brierScore(probabilities: readonly number[], outcomes: readonly number[]): number {
  if (probabilities.length === 0) return 0;
  return probabilities.reduce((sum, p, i) => sum + (p - outcomes[i]!) ** 2, 0) / probabilities.length;
}

/**
 * Sorts by probability (highest first; ties keep input order) and cuts into ten groups whose sizes
 * differ by at most one, the first `n mod 10` one larger. Decile 10 holds the highest probabilities.
 */
function decilesByProbability(probabilities: readonly number[]): number[][] {
  const order = probabilities.map((_, i) => i).sort((a, b) => probabilities[b]! - probabilities[a]!);
  const groups: number[][] = [];
  let at = 0;
  for (let g = 0; g < 10; g += 1) {
    const size = Math.floor(order.length / 10) + (g < order.length % 10 ? 1 : 0);
    groups.push(order.slice(at, at + size));
    at += size;
  }
  return groups.reverse();
}

/** How many times the overall positive rate the top tenth by probability reaches. */
export function liftTopDecile(probabilities: readonly number[], outcomes: readonly number[]): number | null {
  const positives = outcomes.filter((y) => y === 1).length;
  const top = decilesByProbability(probabilities)[9]!;
  if (positives === 0 || top.length === 0) return null;
  const topRate = top.filter((i) => outcomes[i] === 1).length / top.length;
  return topRate / (positives / outcomes.length);
}

/** Mean predicted probability and observed rate in each tenth by probability (empty tenths left out). */
export function calibrationByDecile(probabilities: readonly number[], outcomes: readonly number[]): CalibrationBin[] {
  return decilesByProbability(probabilities).flatMap((group, g) =>
    group.length === 0
      ? []
      : [
          {
            decile: g + 1,
            n: group.length,
            meanPredicted: group.reduce((sum, i) => sum + probabilities[i]!, 0) / group.length,
            observedRate: group.filter((i) => outcomes[i] === 1).length / group.length,
          },
        ],
  );
}

/** Every measure at once. */
export function probabilityQuality(probabilities: readonly number[], outcomes: readonly number[]): ProbabilityQuality {
  return {
    n: outcomes.length,
    positives: outcomes.filter((y) => y === 1).length,
    auc: rocAuc(probabilities, outcomes),
    brier: brierScore(probabilities, outcomes),
    liftTopDecile: liftTopDecile(probabilities, outcomes),
    calibration: calibrationByDecile(probabilities, outcomes),
  };
}
