import { Box, Card, Group, Skeleton, Stack, Text, Title, useComputedColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../shell/PageState';

type Points = Array<{ day: string; size: number; entered: number; exited: number }>;
const height = 220;
const days = 30;

/** Size over the last 30 days, from the membership history (GET /api/v1/segments/{key}/sizes). */
export function SizeChart({ segmentKey }: { segmentKey: string }) {
  const sizes = useQuery({
    queryKey: ['segments', segmentKey, 'sizes', days],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}/sizes', { params: { path: { key: segmentKey }, query: { days } } })),
  });
  const points = sizes.data?.days ?? [];
  const first = points[0];
  const last = points.at(-1);
  const summary =
    first && last
      ? `Size over the last ${days} days: ${first.size.toLocaleString('en')} on ${first.day}, ${last.size.toLocaleString('en')} today; ${last.entered} entered and ${last.exited} left today.`
      : '';
  return (
    <Card withBorder component="section" aria-label="Size over time">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4">
            Size over time
          </Title>
          {sizes.data && (
            <Text size="sm" c="dimmed">
              last {days} days, end of day ({sizes.data.timezone})
            </Text>
          )}
        </Group>
        {sizes.isError ? (
          <ErrorState title="Could not load the size history" error={sizes.error} onRetry={() => void sizes.refetch()} />
        ) : sizes.isPending ? (
          <Skeleton h={height} aria-label="Loading the size history" />
        ) : (
          <>
            <ChartCanvas points={points} summary={summary} />
            <Text size="sm">{summary}</Text>
          </>
        )}
      </Stack>
    </Card>
  );
}

/**
 * ECharts (about 170 KB gzipped) is imported here, when the chart is drawn, not with the page;
 * in an effect rather than React.lazy, so a slow load never holds back the page's other updates.
 */
function ChartCanvas({ points, summary }: { points: Points; summary: string }) {
  const element = useRef<HTMLDivElement>(null);
  const dark = useComputedColorScheme('light') === 'dark';
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let cancelled = false;
    import('./size-chart-draw')
      .then(({ drawSizeChart }) => {
        if (!cancelled && element.current) dispose = drawSizeChart(element.current, points, dark);
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      dispose?.();
    };
  }, [points, dark]);
  if (failed) return <ErrorState title="Could not load the chart; reload the page" error={failed} />;
  return <Box ref={element} h={height} role="img" aria-label={summary} />;
}
