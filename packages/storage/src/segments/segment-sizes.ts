import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** One calendar day of a segment: its size at the day's end, and how many entered and left that day. */
export interface SegmentDay {
  day: string;
  size: number;
  entered: number;
  exited: number;
}

/**
 * The last `days` calendar days (in `timezone`, today last) of a segment's size, read back from
 * its size now and the enters and exits recorded since: the size at the end of a day is today's
 * minus the enters after it plus the exits after it. One statement, so the count and the changes
 * are one snapshot.
 */
export async function listSegmentDailySizes(
  scope: WorkspaceScope,
  key: string,
  options: { days: number; now: Date; timezone: string },
): Promise<SegmentDay[]> {
  const { db, workspaceId } = scope;
  const { days, now, timezone } = options;
  const rows = await sql<{ day: string; entered: number; exited: number; size_now: number }>`
    WITH today AS (SELECT (${now}::timestamptz AT TIME ZONE ${timezone})::date AS d),
    per_day AS (
      SELECT (c.at AT TIME ZONE ${timezone})::date AS d,
             count(*) FILTER (WHERE c.kind = 'enter')::int AS entered,
             count(*) FILTER (WHERE c.kind = 'exit')::int AS exited
      FROM segment_changes c
      WHERE c.workspace_id = ${workspaceId} AND c.segment_key = ${key}
        AND c.at >= ((SELECT d FROM today) - ${days - 1}::int)::timestamp AT TIME ZONE ${timezone}
      GROUP BY 1
    )
    SELECT to_char(g.d, 'YYYY-MM-DD') AS day, coalesce(p.entered, 0) AS entered, coalesce(p.exited, 0) AS exited,
           (SELECT count(*)::int FROM segment_members m WHERE m.workspace_id = ${workspaceId} AND m.segment_key = ${key}) AS size_now
    FROM generate_series(((SELECT d FROM today) - ${days - 1}::int)::timestamp, (SELECT d FROM today)::timestamp, interval '1 day') AS g(d)
    LEFT JOIN per_day p ON p.d = g.d::date
    ORDER BY g.d DESC`.execute(db);
  // Walk back from today: the size at the end of the day before is this day's minus its net change.
  const result: SegmentDay[] = [];
  let size = rows.rows[0]?.size_now ?? 0;
  for (const r of rows.rows) {
    result.push({ day: r.day, size, entered: r.entered, exited: r.exited });
    size -= r.entered - r.exited;
  }
  return result.reverse();
}
