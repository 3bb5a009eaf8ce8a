import { calendarDayOf, metricPeriods, metricValues, type MetricInterval, type PeriodFacts } from '@strata/core';
import { readAnalyticsSettings, readMetricDays, readPeriodFacts, readWorkspaceHours, type WorkspaceScope } from '@strata/storage';

/** What a series asks for: calendar days `from` to `to` (inclusive, workspace time zone), bucketed. */
export interface SeriesRequest {
  from: string;
  to: string;
  interval: MetricInterval;
  /** Metric keys (checked by the caller); all when empty. */
  metrics: readonly string[];
}

/** One bucket of a series: its first day and the metrics' values. */
export interface SeriesPoint {
  at: string;
  values: Record<string, number | null>;
}

/**
 * A segment's metrics per bucket. A day comes from its stored snapshot when there is one; today,
 * a day never snapshotted and every week or month are computed from the data on demand, a
 * bucket still running up to now. The series always reaches today, whatever `to` says.
 */
export async function segmentMetricSeries(
  scope: WorkspaceScope,
  segment: { key: string; target: 'person' | 'account' },
  request: SeriesRequest,
): Promise<SeriesPoint[]> {
  const now = scope.clock();
  const { timezone } = await readWorkspaceHours(scope);
  const settings = await readAnalyticsSettings(scope);
  const today = calendarDayOf(now, timezone);
  const to = request.to > today ? request.to : today;
  const periods = metricPeriods(request.from, to, request.interval, timezone).filter((p) => p.start < now);
  const stored =
    request.interval === 'day' ? await readMetricDays(scope, segment.key, request.from, today) : new Map<string, PeriodFacts>();
  const keys = request.metrics.length === 0 ? undefined : request.metrics;
  const series: SeriesPoint[] = [];
  for (const period of periods) {
    const running = period.end > now;
    const facts =
      (!running && stored.get(period.at)) ||
      (await readPeriodFacts(
        scope,
        { segment: segment.key, target: segment.target },
        { start: period.start, end: running ? now : period.end },
      ));
    series.push({ at: period.at, values: metricValues(facts, settings, keys) });
  }
  return series;
}
