import { sql } from 'kysely';
import type { PeriodFacts } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** One segment's facts for one calendar day (`YYYY-MM-DD` in the workspace's time zone). */
export interface MetricDay {
  segmentKey: string;
  day: string;
  facts: PeriodFacts;
}

/** Stores days' facts, replacing any computed before (a backfill may recompute a day). */
export async function saveMetricDays(scope: WorkspaceScope, days: readonly MetricDay[]): Promise<void> {
  if (days.length === 0) return;
  await scope.db
    .insertInto('segment_metric_days')
    .values(
      days.map((d) => ({
        workspace_id: scope.workspaceId,
        segment_key: d.segmentKey,
        day: d.day,
        metrics: JSON.stringify(d.facts),
        computed_at: scope.clock(),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'segment_key', 'day']).doUpdateSet({
        metrics: (eb) => eb.ref('excluded.metrics'),
        computed_at: (eb) => eb.ref('excluded.computed_at'),
      }),
    )
    .execute();
}

/** The stored days of one segment from `fromDay` to `toDay` (inclusive), by day. */
export async function readMetricDays(
  scope: WorkspaceScope,
  segmentKey: string,
  fromDay: string,
  toDay: string,
): Promise<Map<string, PeriodFacts>> {
  const rows = await scope.db
    .selectFrom('segment_metric_days')
    // The date column would arrive as a Date at local midnight; as text it stays the calendar day.
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'metrics'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('segment_key', '=', segmentKey)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .execute();
  return new Map(rows.map((r) => [r.day, r.metrics as unknown as PeriodFacts]));
}
