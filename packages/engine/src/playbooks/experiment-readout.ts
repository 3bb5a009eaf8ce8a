import {
  checkSampleRatio,
  compareMeans,
  compareProportions,
  meanDetectableEffect,
  proportionDetectableEffect,
  sizePerGroupToDetect,
  summarize,
  type SampleRatioCheck,
} from '../stats/index.js';

/** A group of an experiment as measured: its assigned share, how many enrolled, and each measured value. */
export interface MeasuredGroup {
  key: string;
  /** Share of all enrolments assigned to the group, in percent. */
  share: number;
  enrolled: number;
  /** One value per measured enrolment: 1/0 for a proportion, the measure for a mean. */
  values: readonly number[];
}

/** A group's own numbers. For a proportion `reached` and `rate`; for a mean `mean` (both null otherwise). */
export interface GroupNumbers {
  enrolled: number;
  /** How many were measured: the sample size of every statistic of the group. */
  n: number;
  reached: number | null;
  rate: number | null;
  mean: number | null;
}

/** An arm against the baseline: `lift` is the difference (arm minus baseline), `ci` its 95% interval. */
export interface ArmReadout extends GroupNumbers {
  key: string;
  lift: number | null;
  /** Lift over the baseline's rate or mean, as a fraction of it; null when that is 0. */
  relativeLift: number | null;
  ci: [number, number] | null;
  pValue: number | null;
  /** The baseline's n, beside the arm's: the p-value is of these two samples. */
  baselineN: number;
  /** The smallest difference these sample sizes detect with 80% power at alpha 0.05. */
  mde: number | null;
}

export interface ExperimentWarning {
  code: 'sample-ratio-mismatch' | 'too-early' | 'small-sample';
  message: string;
  arm?: string;
}

export interface ExperimentNumbers {
  kind: 'proportion' | 'mean';
  /** What each arm is compared with: `holdout`, or the first arm when nothing is held out. */
  baseline: string;
  arms: ArmReadout[];
  holdout: GroupNumbers | null;
  sampleRatio: SampleRatioCheck;
  warnings: ExperimentWarning[];
}

const alpha = 0.05;
const percent = (x: number) => `${(x * 100).toFixed(1)} points`;
const plain = (x: number) => x.toFixed(2);

function numbersOf(group: MeasuredGroup, kind: 'proportion' | 'mean'): GroupNumbers {
  const n = group.values.length;
  const sum = group.values.reduce((s, v) => s + v, 0);
  if (kind === 'proportion') return { enrolled: group.enrolled, n, reached: sum, rate: n === 0 ? null : sum / n, mean: null };
  return { enrolled: group.enrolled, n, reached: null, rate: null, mean: n === 0 ? null : sum / n };
}

/**
 * The readout of an experiment from its measured groups (the holdout, when there is one, first
 * among `groups` with key `holdout`): each arm against the baseline with a two-proportion z-test
 * or Welch's t-test, the sample-ratio check of enrolments against the assigned shares, and the
 * minimum detectable effect with a `too-early` warning while the sample cannot tell the observed
 * difference from chance.
 */
export function readExperiment(kind: 'proportion' | 'mean', groups: readonly MeasuredGroup[], holdoutKey: string): ExperimentNumbers {
  const holdout = groups.find((g) => g.key === holdoutKey && g.share > 0);
  const arms = groups.filter((g) => g.key !== holdoutKey);
  const baseline = holdout ?? arms[0]!;
  const warnings: ExperimentWarning[] = [];
  const sampleRatio = checkSampleRatio(groups.map((g) => ({ observed: g.enrolled, weight: g.share })));
  if (sampleRatio.mismatch)
    warnings.push({
      code: 'sample-ratio-mismatch',
      message:
        `enrolments do not match the configured split (${groups.map((g) => `${g.key} ${g.enrolled}`).join(', ')}; ` +
        `chi-square ${sampleRatio.chiSquare.toFixed(1)}, p = ${sampleRatio.pValue!.toExponential(1)}): something assigns or enrolls ` +
        'people unevenly, so no difference below can be trusted until the cause is found',
    });
  const readouts = (holdout ? arms : arms.slice(1)).map((arm) => {
    const readout = compareArm(arm, baseline, kind);
    warnings.push(...readout.warnings);
    return readout.arm;
  });
  // With nothing held out the first arm is the baseline: it is listed, compared with nothing.
  const listed = holdout ? readouts : [baselineArm(arms[0]!, kind), ...readouts];
  return { kind, baseline: baseline.key, arms: listed, holdout: holdout ? numbersOf(holdout, kind) : null, sampleRatio, warnings };
}

function baselineArm(group: MeasuredGroup, kind: 'proportion' | 'mean'): ArmReadout {
  const numbers = numbersOf(group, kind);
  return { key: group.key, ...numbers, lift: null, relativeLift: null, ci: null, pValue: null, baselineN: numbers.n, mde: null };
}

function compareArm(arm: MeasuredGroup, baseline: MeasuredGroup, kind: 'proportion' | 'mean') {
  const numbers = numbersOf(arm, kind);
  const base = numbersOf(baseline, kind);
  const warnings: ExperimentWarning[] = [];
  let lift: number | null = null;
  let ci: [number, number] | null = null;
  let pValue: number | null = null;
  let mde: number | null = null;
  let perPersonVariance = 0;
  let notes: string[];
  if (kind === 'proportion') {
    const result = compareProportions({ n: numbers.n, successes: numbers.reached! }, { n: base.n, successes: base.reached! });
    if (numbers.n > 0 && base.n > 0) [lift, ci] = [result.difference, [result.ci.low, result.ci.high]];
    pValue = result.pValue;
    mde = proportionDetectableEffect(base.rate ?? 0, numbers.n, base.n);
    const pooled = (numbers.reached! + base.reached!) / Math.max(numbers.n + base.n, 1);
    perPersonVariance = pooled * (1 - pooled);
    notes = result.warnings;
  } else {
    const [a, b] = [summarize(arm.values), summarize(baseline.values)];
    const result = compareMeans(a, b);
    if (a.n > 0 && b.n > 0) lift = result.difference;
    ci = result.ci && [result.ci.low, result.ci.high];
    pValue = result.pValue;
    mde = meanDetectableEffect(a.variance, a.n, b.variance, b.n);
    perPersonVariance = (a.variance + b.variance) / 2;
    notes = result.warnings;
  }
  for (const note of notes) warnings.push({ code: 'small-sample', arm: arm.key, message: `arm "${arm.key}": ${note}` });
  const baseValue = kind === 'proportion' ? base.rate : base.mean;
  const relativeLift = lift === null || !baseValue ? null : lift / baseValue;
  const shown = kind === 'proportion' ? percent : plain;
  if (lift !== null && mde !== null && (pValue === null || pValue >= alpha)) {
    const needed = sizePerGroupToDetect(lift, perPersonVariance);
    if (Math.min(numbers.n, base.n) < needed)
      warnings.push({
        code: 'too-early',
        arm: arm.key,
        message:
          `too early to call arm "${arm.key}": with ${numbers.n} and ${base.n} measured, only a difference of ${shown(mde)} or more ` +
          `would show reliably (80% power, 5% significance); the difference so far, ${shown(Math.abs(lift))}, ` +
          (Number.isFinite(needed) ? `would need about ${needed.toLocaleString('en')} in each group` : 'is none at all'),
      });
  }
  const readout: ArmReadout = { key: arm.key, ...numbers, lift, relativeLift, ci, pValue, baselineN: base.n, mde };
  return { arm: readout, warnings };
}
