import type { paths } from '../../api/openapi';

export type SegmentRow = paths['/api/v1/segments']['get']['responses']['200']['content']['application/json'][number];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 minutes ago" from an ISO time and now. */
export function timeAgo(iso: string, now: number): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  return relative.format(seconds, 'second');
}

/** How current a segment's membership is, in words: built, failing, or live with its lag. */
export function freshnessOf(segment: SegmentRow, now: number): { label: string; color: string } {
  if (segment.status === 'failed') return { label: 'build failed', color: 'red' };
  if (segment.status === 'building') {
    const { done, total } = segment.building?.backfill ?? { done: 0, total: 0 };
    return { label: `building ${total ? Math.floor((done / total) * 100) : 0}%`, color: 'blue' };
  }
  const { failing, liveLagMs, lastFullEvaluationAt } = segment.freshness;
  if (failing.parked > 0 || failing.retrying > 0) return { label: 'live updates failing', color: 'orange' };
  if (liveLagMs > 60_000) return { label: `behind ${Math.round(liveLagMs / 1000)} s`, color: 'yellow' };
  return { label: lastFullEvaluationAt ? `live · built ${timeAgo(lastFullEvaluationAt, now)}` : 'live', color: 'green' };
}

export type SegmentActivity = paths['/api/v1/segment-activity']['get']['responses']['200']['content']['application/json']['items'][number];

/** The list's sizes over time and today's changes, by segment key, and whether they have arrived. */
export interface ActivityView {
  status: 'pending' | 'error' | 'success';
  days: number;
  byKey: ReadonlyMap<string, SegmentActivity>;
}
