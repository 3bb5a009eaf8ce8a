import { addDays, calendarDayOf } from '@strata/core';
import { snapshotMetricDay } from '@strata/engine';
import { readWorkspaceHours, type WorkspaceScope } from '@strata/storage';

/** Days the metrics request reads, as the issue states it. */
const seriesDays = 90;
const warmRounds = 5;

/**
 * Segment analytics on the generated data: one day's snapshot for every segment (what the daily
 * job does), then `GET /segments/{key}/metrics` for 90 days of one segment: once before any of its
 * days is stored (every day computed on demand), and, its past days stored, the median of 5.
 */
export async function measureAnalytics(
  scope: WorkspaceScope,
  url: string,
  adminKey: string,
  key: string,
  progress: (text: string) => void,
): Promise<{ analytics_snapshot_day_s: number; analytics_metrics_90d_ms: number; analytics_metrics_90d_cold_ms: number }> {
  const { timezone } = await readWorkspaceHours(scope);
  const today = calendarDayOf(new Date(), timezone);
  const from = addDays(today, -(seriesDays - 1));
  progress(`snapshotting yesterday (${addDays(today, -1)}) for every segment`);
  const started = performance.now();
  await snapshotMetricDay(scope, addDays(today, -1));
  const snapshotSeconds = (performance.now() - started) / 1000;
  const metrics = async () => {
    const before = performance.now();
    const response = await fetch(`${url}/api/v1/segments/${encodeURIComponent(key)}/metrics?from=${from}`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    if (response.status !== 200) throw new Error(`metrics of ${key} answered ${response.status}: ${await response.text()}`);
    const { series } = (await response.json()) as { series: unknown[] };
    if (series.length !== seriesDays) throw new Error(`metrics of ${key}: ${series.length} days, expected ${seriesDays}`);
    return performance.now() - before;
  };
  progress(`GET /api/v1/segments/${key}/metrics for ${seriesDays} days, none stored`);
  const cold = await metrics();
  progress(`storing ${key}'s other ${seriesDays - 2} past days, then the same GET ${warmRounds} times`);
  for (let day = from; day < addDays(today, -1); day = addDays(day, 1)) await snapshotMetricDay(scope, day, [key]);
  const warm: number[] = [];
  for (let n = 0; n < warmRounds; n++) warm.push(await metrics());
  warm.sort((a, b) => a - b);
  return {
    analytics_snapshot_day_s: Math.round(snapshotSeconds * 100) / 100,
    analytics_metrics_90d_ms: Math.round(warm[Math.floor(warmRounds / 2)]!),
    analytics_metrics_90d_cold_ms: Math.round(cold),
  };
}
