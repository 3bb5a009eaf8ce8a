import { metricPeriods } from '@strata/core';
import { listSegments, readPeriodFacts, readWorkspaceHours, saveMetricDays, type WorkspaceScope } from '@strata/storage';

/**
 * Computes and stores one calendar day's facts for every segment of the workspace, or for those
 * of `keys` (each segment one statement; the day's row replaces any earlier one). Answers how
 * many segments it stored.
 */
export async function snapshotMetricDay(scope: WorkspaceScope, day: string, keys?: readonly string[]): Promise<number> {
  const { timezone } = await readWorkspaceHours(scope);
  const [period] = metricPeriods(day, day, 'day', timezone);
  if (!period) throw new Error(`snapshotMetricDay: "${day}" is not a calendar day (YYYY-MM-DD)`);
  const segments = (await listSegments(scope)).filter((s) => keys === undefined || keys.includes(s.key));
  for (const segment of segments) {
    const facts = await readPeriodFacts(scope, { segment: segment.key, target: segment.target }, period);
    await saveMetricDays(scope, [{ segmentKey: segment.key, day, facts }]);
  }
  return segments.length;
}
