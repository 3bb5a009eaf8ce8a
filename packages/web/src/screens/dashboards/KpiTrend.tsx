import { Group, Paper, Select, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { ErrorState, Loading } from '../../shell/PageState';
import { DrawnChart } from './DrawnChart';
import { dashboardMetrics, trendQuery } from './dashboard-queries';
import { formatMetric, metricLabel } from './metric-format';

/** One segment's KPI per day over the last 30 days, today last. */
export function KpiTrend({ keys }: { keys: string[] }) {
  const [key, setKey] = useState(keys[0] ?? '');
  const [metric, setMetric] = useState('size');
  const trend = useQuery(trendQuery(key, metric));
  // Memoised so the chart is redrawn when the answer changes, not on every render.
  const points = useMemo(
    () => (trend.data?.series ?? []).map((p) => ({ at: p.at, value: typeof p[metric] === 'number' ? p[metric] : null })),
    [trend.data, metric],
  );
  const last = points.at(-1);
  const draw = useCallback(
    async (element: HTMLDivElement, dark: boolean) => (await import('./trend-draw')).drawTrend(element, points, dark),
    [points],
  );
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="trend-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="trend-title">
          KPI over time
        </Title>
        <Group>
          <Select label="Segment" data={keys} value={key} onChange={(v) => v && setKey(v)} allowDeselect={false} />
          <Select
            label="Metric"
            data={dashboardMetrics.map((m) => ({ value: m, label: metricLabel(m) }))}
            value={metric}
            onChange={(v) => v && setMetric(v)}
            allowDeselect={false}
          />
        </Group>
        {trend.isError ? (
          <ErrorState title="Could not load the series" error={trend.error} onRetry={() => void trend.refetch()} />
        ) : trend.isPending ? (
          <Loading label="Reading the days…" />
        ) : (
          <DrawnChart
            draw={draw}
            height={240}
            summary={`${metricLabel(metric)} of ${key} per day for ${points.length} days; today ${formatMetric(metric, last?.value)}`}
          />
        )}
      </Stack>
    </Paper>
  );
}
