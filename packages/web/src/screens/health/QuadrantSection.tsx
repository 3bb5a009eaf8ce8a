import { Box, Group, Paper, Stack, Table, Text, Title, useComputedColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';
import type { QuadrantPoint } from './quadrant-draw';

const height = 320;

/** The value x health scatter (GET /api/v1/analytics/quadrant) with each quadrant's count. */
export function QuadrantSection() {
  const points = useQuery({ queryKey: ['health', 'quadrant'], queryFn: () => unwrap(api.GET('/api/v1/analytics/quadrant')) });
  const settings = useQuery({ queryKey: ['health', 'settings'], queryFn: () => unwrap(api.GET('/api/v1/settings/health')) });
  const counts = new Map<string, number>();
  for (const p of points.data ?? []) counts.set(p.quadrant, (counts.get(p.quadrant) ?? 0) + 1);
  const summary = `${points.data?.length ?? 0} accounts by value and health: ${[...counts].map(([q, n]) => `${n} ${q}`).join(', ')}.`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="quadrant-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="quadrant-title">
          Value and health
        </Title>
        {points.isError || settings.isError ? (
          <ErrorState title="Could not load the quadrant" error={points.error ?? settings.error} onRetry={() => void points.refetch()} />
        ) : points.isPending || settings.isPending ? (
          <Loading label="Scoring accounts…" />
        ) : (
          <Group align="flex-start" wrap="wrap">
            <Box flex="1 1 420px">
              <QuadrantCanvas points={points.data} thresholds={settings.data.quadrant} summary={summary} />
            </Box>
            <Table aria-label="Accounts per quadrant" w={260} verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Quadrant</Table.Th>
                  <Table.Th>Accounts</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {['key-accounts', 'highest-potential', 'watch', 'low-value', 'at-risk'].map((q) => (
                  <Table.Tr key={q}>
                    <Table.Td>{q}</Table.Td>
                    <Table.Td>{counts.get(q) ?? 0}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Group>
        )}
        <Text size="sm" c="dimmed">
          High value from {settings.data?.quadrant.highValue ?? '…'}; healthy from {settings.data?.quadrant.healthy ?? '…'}; poor health
          below {settings.data?.quadrant.poorHealth ?? '…'} (workspace setting, PUT /api/v1/settings/health).
        </Text>
      </Stack>
    </Paper>
  );
}

/** ECharts is imported when the chart is drawn, as the segment page's size chart does. */
function QuadrantCanvas({
  points,
  thresholds,
  summary,
}: {
  points: QuadrantPoint[];
  thresholds: { highValue: number; healthy: number; poorHealth: number };
  summary: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const dark = useComputedColorScheme('light') === 'dark';
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let cancelled = false;
    import('./quadrant-draw')
      .then(({ drawQuadrant }) => {
        if (!cancelled && element.current) dispose = drawQuadrant(element.current, points, thresholds, dark);
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      dispose?.();
    };
  }, [points, thresholds, dark]);
  if (failed) return <ErrorState title="Could not load the chart; reload the page" error={failed} />;
  return <Box ref={element} h={height} role="img" aria-label={summary} />;
}
