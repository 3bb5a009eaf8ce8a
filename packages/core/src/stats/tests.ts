import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/*
 * The statistics experiments report (support policies' holdouts, playbooks' arms): a difference
 * of proportions and a difference of means, each with a 95% interval and a two-sided p-value,
 * and the warnings that say when a number should not be trusted. Distribution functions come from
 * stdlib; the formulas are the textbook ones, named where they are used.
 */

export interface Counts {
  /** How many were measured. */
  n: number;
  /** How many of them reached the goal. */
  successes: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface ProportionComparison {
  rate: number;
  baselineRate: number;
  /** rate - baselineRate. */
  difference: number;
  /** Of the difference (Wald, unpooled). */
  ci: Interval;
  /** Two-sided, pooled two-proportion z-test (the same as a chi-squared test without continuity correction). */
  pValue: number | null;
  warnings: string[];
}

const z95 = normalQuantile(0.975, 0, 1);

/** A rate's 95% Wilson score interval: it stays inside 0..1 and behaves for small counts, unlike Wald's. */
export function wilsonInterval({ n, successes }: Counts): Interval | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z95 * z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: centre - half, high: centre + half };
}

/** A group's rate against a baseline's (an arm against the holdout). */
export function compareProportions(group: Counts, baseline: Counts): ProportionComparison {
  const warnings: string[] = [];
  if (group.n === 0 || baseline.n === 0)
    return {
      rate: group.n === 0 ? 0 : group.successes / group.n,
      baselineRate: baseline.n === 0 ? 0 : baseline.successes / baseline.n,
      difference: 0,
      ci: { low: 0, high: 0 },
      pValue: null,
      warnings: ['no one measured in one of the groups yet'],
    };
  const rate = group.successes / group.n;
  const baselineRate = baseline.successes / baseline.n;
  const difference = rate - baselineRate;
  const se = Math.sqrt((rate * (1 - rate)) / group.n + (baselineRate * (1 - baselineRate)) / baseline.n);
  const pooled = (group.successes + baseline.successes) / (group.n + baseline.n);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / group.n + 1 / baseline.n));
  const pValue = pooledSe === 0 ? null : 2 * (1 - normalCdf(Math.abs(difference) / pooledSe, 0, 1));
  // The normal approximation needs about five successes and five failures in each group.
  const expected = Math.min(group.successes, group.n - group.successes, baseline.successes, baseline.n - baseline.successes);
  if (expected < 5) warnings.push(`too few to test: a group has ${expected} successes or failures, and the test needs at least 5 of each`);
  if (pooledSe === 0) warnings.push('every measured case has the same outcome: nothing to compare');
  return { rate, baselineRate, difference, ci: { low: difference - z95 * se, high: difference + z95 * se }, pValue, warnings };
}

export interface Sample {
  n: number;
  mean: number;
  /** The sample variance (n - 1 in the denominator). */
  variance: number;
}

/** n, mean and sample variance of values. */
export function summarize(values: readonly number[]): Sample {
  const n = values.length;
  const mean = n === 0 ? 0 : values.reduce((s, v) => s + v, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
}

export interface MeanComparison {
  mean: number;
  baselineMean: number;
  difference: number;
  ci: Interval | null;
  /** Two-sided Welch t-test (unequal variances), with Welch-Satterthwaite degrees of freedom. */
  pValue: number | null;
  degreesOfFreedom: number | null;
  warnings: string[];
}

/** A group's mean against a baseline's: Welch's t-test. */
export function compareMeans(group: Sample, baseline: Sample): MeanComparison {
  const difference = group.mean - baseline.mean;
  const base = { mean: group.mean, baselineMean: baseline.mean, difference };
  if (group.n < 2 || baseline.n < 2)
    return { ...base, ci: null, pValue: null, degreesOfFreedom: null, warnings: ['too few to test: each group needs at least 2 values'] };
  const a = group.variance / group.n;
  const b = baseline.variance / baseline.n;
  const se = Math.sqrt(a + b);
  if (se === 0)
    return { ...base, ci: null, pValue: null, degreesOfFreedom: null, warnings: ['every value is the same: nothing to compare'] };
  const df = (a + b) ** 2 / (a ** 2 / (group.n - 1) + b ** 2 / (baseline.n - 1));
  const t = difference / se;
  const pValue = 2 * (1 - tCdf(Math.abs(t), df));
  const margin = tQuantile(0.975, df) * se;
  const warnings =
    group.n < 30 || baseline.n < 30 ? [`small samples (${group.n} and ${baseline.n}): read the interval, not just the p-value`] : [];
  return { ...base, ci: { low: difference - margin, high: difference + margin }, pValue, degreesOfFreedom: df, warnings };
}
