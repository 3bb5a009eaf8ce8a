import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/*
 * The checks that say whether an experiment's numbers can be read yet: did assignment split people
 * as configured (sample-ratio mismatch), and how large a difference the current sample could
 * detect (minimum detectable effect). Alpha 0.05 two-sided and 80% power throughout.
 */

/** Below this p-value the observed split is called a sample-ratio mismatch (the industry's usual bar). */
export const sampleRatioAlpha = 0.001;

export interface SampleRatioCheck {
  /** Pearson's chi-square statistic, sum of (observed - expected)^2 / expected. */
  chiSquare: number;
  degreesOfFreedom: number;
  /** Upper tail of the chi-square distribution; null with fewer than two groups or nobody counted. */
  pValue: number | null;
  mismatch: boolean;
}

/**
 * Chi-square goodness of fit of observed group sizes against the shares they were assigned
 * (weights in any unit; groups with weight 0 are left out).
 */
export function checkSampleRatio(groups: ReadonlyArray<{ observed: number; weight: number }>): SampleRatioCheck {
  const weighted = groups.filter((g) => g.weight > 0);
  const total = weighted.reduce((s, g) => s + g.observed, 0);
  const weights = weighted.reduce((s, g) => s + g.weight, 0);
  const degreesOfFreedom = weighted.length - 1;
  if (degreesOfFreedom < 1 || total === 0)
    return { chiSquare: 0, degreesOfFreedom: Math.max(degreesOfFreedom, 0), pValue: null, mismatch: false };
  const chiSquare = weighted.reduce((s, g) => {
    const expected = (total * g.weight) / weights;
    return s + (g.observed - expected) ** 2 / expected;
  }, 0);
  const pValue = 1 - chisquareCdf(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, mismatch: pValue < sampleRatioAlpha };
}

/** z for a two-sided 5% test plus z for 80% power: the factor of every sample-size formula here. */
const powerFactor = normalQuantile(0.975, 0, 1) + normalQuantile(0.8, 0, 1);

/**
 * The smallest difference of rates (absolute) a two-proportion test detects with 80% power at
 * alpha 0.05 two-sided, given the baseline rate and the two groups' sizes:
 * (z_0.975 + z_0.8) * sqrt(p (1 - p) (1/n1 + 1/n2)). Null when a group is empty.
 */
export function proportionDetectableEffect(baselineRate: number, n: number, baselineN: number): number | null {
  if (n === 0 || baselineN === 0) return null;
  return powerFactor * Math.sqrt(baselineRate * (1 - baselineRate) * (1 / n + 1 / baselineN));
}

/**
 * The smallest difference of means Welch's test detects with 80% power at alpha 0.05 two-sided
 * (normal approximation): (z_0.975 + z_0.8) * sqrt(s1^2/n1 + s2^2/n2). Null when a group has under 2 values.
 */
export function meanDetectableEffect(variance: number, n: number, baselineVariance: number, baselineN: number): number | null {
  if (n < 2 || baselineN < 2) return null;
  return powerFactor * Math.sqrt(variance / n + baselineVariance / baselineN);
}

/**
 * How many in each of two equal groups it takes to detect `difference` with 80% power at alpha
 * 0.05, when one person's outcome has this variance in each group: 2 (z_0.975 + z_0.8)^2 var / d^2.
 */
export function sizePerGroupToDetect(difference: number, variancePerPerson: number): number {
  if (difference === 0) return Infinity;
  return Math.ceil((2 * powerFactor ** 2 * variancePerPerson) / difference ** 2);
}
