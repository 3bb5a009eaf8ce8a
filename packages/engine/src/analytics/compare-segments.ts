import { compareMeans, compareProportions } from '../stats/index.js';
import { clvAssumption, findMetric, metricValues, type MetricSample, type PeriodFacts } from '@strata/core';
import { readAnalyticsSettings, readPeriodFacts, type Period, type WorkspaceScope } from '@strata/storage';

/** A metric of one segment beside the workspace's, with a test where one applies. */
export interface ComparedMetric {
  value: number | null;
  workspace: number | null;
  difference: number | null;
  /** Null for metrics no test applies to (counts, money, durations). */
  significance: {
    test: 'proportions' | 'means';
    n: number;
    workspaceN: number;
    pValue: number | null;
    /** p < 0.05, two-sided; false while too few were measured to test. */
    significant: boolean;
    warnings: string[];
  } | null;
}

export interface SegmentComparison {
  segments: Array<{ key: string; target: 'person' | 'account'; metrics: Record<string, ComparedMetric> }>;
  /** The workspace as a whole, per target the compared segments have. */
  workspace: Partial<Record<'person' | 'account', Record<string, number | null>>>;
  assumptions: { clv: string };
}

function significanceOf(group: MetricSample, baseline: MetricSample): ComparedMetric['significance'] {
  if (group.test === 'proportions' && baseline.test === 'proportions') {
    const result = compareProportions(group, baseline);
    return { test: 'proportions', n: group.n, workspaceN: baseline.n, ...verdict(result.pValue, result.warnings) };
  }
  if (group.test === 'means' && baseline.test === 'means') {
    const result = compareMeans(group, baseline);
    return { test: 'means', n: group.n, workspaceN: baseline.n, ...verdict(result.pValue, result.warnings) };
  }
  return null;
}

function verdict(pValue: number | null, warnings: string[]) {
  return { pValue, significant: pValue !== null && pValue < 0.05, warnings };
}

/**
 * Segments side by side over one period, each metric beside the workspace as a whole (every
 * profile of the segment's target) and its difference, tested as the experiments are: a test of
 * two proportions, or Welch's t-test of two means.
 */
export async function compareSegments(
  scope: WorkspaceScope,
  segments: ReadonlyArray<{ key: string; target: 'person' | 'account' }>,
  period: Period,
  metrics: readonly string[],
): Promise<SegmentComparison> {
  const settings = await readAnalyticsSettings(scope);
  const baselines = new Map<'person' | 'account', PeriodFacts>();
  for (const target of new Set(segments.map((s) => s.target)))
    baselines.set(target, await readPeriodFacts(scope, { workspace: target }, period));
  const workspace: SegmentComparison['workspace'] = {};
  for (const [target, facts] of baselines) workspace[target] = metricValues(facts, settings, metrics);
  const compared: SegmentComparison['segments'] = [];
  for (const segment of segments) {
    const facts = await readPeriodFacts(scope, { segment: segment.key, target: segment.target }, period);
    const baseline = baselines.get(segment.target)!;
    const values = metricValues(facts, settings, metrics);
    const baselineValues = workspace[segment.target]!;
    const result: Record<string, ComparedMetric> = {};
    for (const key of metrics) {
      const metric = findMetric(key)!;
      const value = values[key] ?? null;
      const base = baselineValues[key] ?? null;
      result[key] = {
        value,
        workspace: base,
        difference: value === null || base === null ? null : value - base,
        significance: metric.sample ? significanceOf(metric.sample(facts), metric.sample(baseline)) : null,
      };
    }
    compared.push({ key: segment.key, target: segment.target, metrics: result });
  }
  return { segments: compared, workspace, assumptions: { clv: clvAssumption(settings) } };
}
