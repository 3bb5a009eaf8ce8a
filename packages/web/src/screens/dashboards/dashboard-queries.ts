import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

/** The KPIs the dashboard shows side by side, in order; docs/analytics.md defines each. */
export const dashboardMetrics = ['size', 'mrr', 'arpa', 'csat', 'nps', 'firstResponseMedian', 'contactRatio', 'reopenRate', 'churnRate'];
/** How many segments the side-by-side table compares at most (the largest ones first). */
export const comparedSegments = 5;

export const segmentsQuery = queryOptions({ queryKey: ['segments'], queryFn: () => unwrap(api.GET('/api/v1/segments')) });

export const compareQuery = (keys: readonly string[]) =>
  queryOptions({
    queryKey: ['analytics', 'compare', keys],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/analytics/compare', { params: { query: { segments: keys.join(','), metrics: dashboardMetrics.join(',') } } }),
      ),
    enabled: keys.length > 0,
  });

export const trendQuery = (key: string, metric: string) =>
  queryOptions({
    queryKey: ['analytics', 'trend', key, metric],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}/metrics', { params: { path: { key }, query: { metrics: metric } } })),
    enabled: key !== '',
  });

export const overlapQuery = (target: 'person' | 'account') =>
  queryOptions({
    queryKey: ['analytics', 'overlap', target],
    queryFn: () => unwrap(api.GET('/api/v1/analytics/overlap', { params: { query: { target } } })),
  });

export const warningsQuery = queryOptions({
  queryKey: ['analytics', 'warnings'],
  queryFn: () => unwrap(api.GET('/api/v1/analytics/warnings')),
});
