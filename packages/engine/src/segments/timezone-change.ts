import type { WorkspaceScope } from '@strata/storage';
import { recomputeSegment } from './backfill.js';
import { loadLiveSegments } from './live-segments.js';

/**
 * After the workspace's timezone changed: recomputes, as of one instant, every active segment
 * whose rule has a calendar window (`within this month`, with or without `in customer timezone`,
 * which falls back on the workspace's), since their boundaries moved. The time sweep would not
 * catch up by itself: it recomputes them only when a boundary passes. Segments that refer to
 * these (`in segment`) follow through live work, as after any recompute.
 */
export async function recomputeCalendarSegments(scope: WorkspaceScope): Promise<Array<{ key: string; entered: number; exited: number }>> {
  const segments = (await loadLiveSegments(scope)).filter((s) => s.state === 'active' && s.dependencies.calendar.length > 0);
  const results = [];
  for (const segment of segments) results.push({ key: segment.key, ...(await recomputeSegment(scope, segment.key)) });
  return results;
}
