import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** One calendar day of a segment: its size at the day's end, and how many entered and left that day. */
export interface SegmentDay {
  day: string;
  size: number;
  entered: number;
  exited: number;
}

/** The last days of one segment, oldest first. */
export interface SegmentDays {
  key: string;
  days: SegmentDay[];
}

interface DailySizeOptions {
  days: number;
  now: Date;
  timezone: string;
}

/**
 * The statement behind listDailySizes, one row per segment and day, newest day first (exported so
 * a test can EXPLAIN it as the runtime role). Each segment's changes are a range of the
 * `(workspace_id, segment_key, at)` index: a lateral join per segment, so a list of 50 segments
 * reads 50 short ranges rather than the workspace's whole change log. Every condition on
 * segment_changes is a leakproof comparison, so row-level security leaves it to the index.
 */
export function dailySizesStatement(scope: WorkspaceScope, options: DailySizeOptions & { key?: string }) {
  const { workspaceId } = scope;
  const { days, now, timezone, key } = options;
  // One key is read whether or not its segment exists (the caller has checked); all keys are the workspace's segments.
  const keys =
    key === undefined
      ? sql`SELECT s.segment_key AS key FROM segments s WHERE s.workspace_id = ${workspaceId}`
      : sql`SELECT ${key}::text AS key`;
  return sql<{ key: string; day: string; entered: number; exited: number; size_now: number }>`
    WITH bounds AS (
      SELECT t.d AS last_day, t.d - ${days - 1}::int AS first_day,
             (t.d - ${days - 1}::int)::timestamp AT TIME ZONE ${timezone} AS since
      FROM (SELECT (${now}::timestamptz AT TIME ZONE ${timezone})::date AS d) t
    ),
    keys AS (${keys}),
    per_day AS (
      SELECT k.key, x.d, x.entered, x.exited
      FROM keys k CROSS JOIN LATERAL (
        SELECT (c.at AT TIME ZONE ${timezone})::date AS d,
               count(*) FILTER (WHERE c.kind = 'enter')::int AS entered,
               count(*) FILTER (WHERE c.kind = 'exit')::int AS exited
        FROM segment_changes c
        WHERE c.workspace_id = ${workspaceId} AND c.segment_key = k.key AND c.at >= (SELECT since FROM bounds)
        GROUP BY 1
      ) x
    )
    SELECT k.key, to_char(g.d, 'YYYY-MM-DD') AS day, coalesce(p.entered, 0) AS entered, coalesce(p.exited, 0) AS exited, n.size_now
    FROM keys k
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS size_now FROM segment_members m WHERE m.workspace_id = ${workspaceId} AND m.segment_key = k.key
    ) n
    CROSS JOIN bounds b
    CROSS JOIN LATERAL generate_series(b.first_day::timestamp, b.last_day::timestamp, interval '1 day') AS g(d)
    LEFT JOIN per_day p ON p.key = k.key AND p.d = g.d::date
    ORDER BY k.key, g.d DESC`;
}

/**
 * The last `days` calendar days (in `timezone`, today last) of the size of every segment of the
 * workspace, or of the one named by `key`, read back from its size now and the enters and exits
 * recorded since: the size at the end of a day is today's minus the enters after it plus the exits
 * after it. One statement, so the counts and the changes are one snapshot.
 */
export async function listDailySizes(scope: WorkspaceScope, options: DailySizeOptions & { key?: string }): Promise<SegmentDays[]> {
  const rows = await dailySizesStatement(scope, options).execute(scope.db);
  // Walk back from today: the size at the end of the day before is this day's minus its net change.
  const result: SegmentDays[] = [];
  let current: SegmentDays | undefined;
  let size = 0;
  for (const r of rows.rows) {
    if (current?.key !== r.key) {
      current?.days.reverse();
      current = { key: r.key, days: [] };
      result.push(current);
      size = r.size_now;
    }
    current.days.push({ day: r.day, size, entered: r.entered, exited: r.exited });
    size -= r.entered - r.exited;
  }
  current?.days.reverse();
  return result;
}

/** The last `days` calendar days of one segment's size (see listDailySizes), oldest first. */
export async function listSegmentDailySizes(scope: WorkspaceScope, key: string, options: DailySizeOptions): Promise<SegmentDay[]> {
  const [segment] = await listDailySizes(scope, { ...options, key });
  return segment?.days ?? [];
}
