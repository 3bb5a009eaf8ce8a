import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { queryClient } from '../../api/query-client';

/** How many days the sparklines cover. */
export const activityDays = 30;
/** A list just fetched (by the route's loader) is shown as it is, not fetched again on mount. */
const staleTime = 5_000;

export const segmentsQuery = queryOptions({
  queryKey: ['segments'],
  queryFn: () => unwrap(api.GET('/api/v1/segments')),
  staleTime,
});

export const activityQuery = queryOptions({
  queryKey: ['segments', 'activity', activityDays],
  queryFn: () => unwrap(api.GET('/api/v1/segment-activity', { params: { query: { days: activityDays } } })),
  staleTime,
});

/**
 * The /segments route's loader: asks for the list and its activity as the navigation starts, while
 * the screen's code loads, instead of after it has rendered (a lazy screen is revealed no sooner
 * than 300 ms after its loading fallback, and its queries would only start then). Answers at once;
 * a failure is the screen's to show (prefetching never throws).
 */
export function prefetchSegmentsList(): null {
  // Only when nothing is cached (a first visit or a reload): a search typed into the URL reruns
  // the loader, and the screen's own queries keep what is cached fresh.
  void queryClient.prefetchQuery({ ...segmentsQuery, staleTime: Infinity });
  void queryClient.prefetchQuery({ ...activityQuery, staleTime: Infinity });
  return null;
}
