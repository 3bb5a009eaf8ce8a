import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, Loading } from '../../shell/PageState';
import { compareQuery, dashboardMetrics } from './dashboard-queries';
import { formatMetric, metricLabel } from './metric-format';

/** The segments' KPIs over the last 30 days side by side, each with its difference to the workspace. */
export function KpiComparison({ keys, target }: { keys: string[]; target: 'person' | 'account' }) {
  const compare = useQuery(compareQuery(keys));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="kpi-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="kpi-title">
          Segments side by side (last 30 days)
        </Title>
        {keys.length === 0 ? (
          <Text c="dimmed">No segments yet.</Text>
        ) : compare.isError ? (
          <ErrorState title="Could not compare the segments" error={compare.error} onRetry={() => void compare.refetch()} />
        ) : compare.isPending ? (
          <Loading label="Computing the segments' numbers…" />
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label="Segment KPIs" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Metric</Table.Th>
                  {compare.data.segments.map((s) => (
                    <Table.Th key={s.key}>{s.key}</Table.Th>
                  ))}
                  <Table.Th>Workspace</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {dashboardMetrics.map((metric) => (
                  <Table.Tr key={metric}>
                    <Table.Td>{metricLabel(metric)}</Table.Td>
                    {compare.data.segments.map((s) => {
                      const m = s.metrics[metric];
                      const difference = m?.difference;
                      const sign = difference !== null && difference !== undefined && difference > 0 ? '+' : '';
                      return (
                        <Table.Td key={s.key}>
                          {formatMetric(metric, m?.value)}
                          {difference !== null && difference !== undefined && (
                            <Text span size="xs" c="dimmed" ml={6}>
                              ({sign}
                              {formatMetric(metric, difference)}
                              {m?.significance?.significant ? ', significant' : ''})
                            </Text>
                          )}
                        </Table.Td>
                      );
                    })}
                    <Table.Td>{formatMetric(metric, compare.data.workspace[target]?.[metric])}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Text size="sm" c="dimmed">
          In brackets: the difference to the workspace as a whole; “significant” where a test says p &lt; 0.05.
        </Text>
      </Stack>
    </Paper>
  );
}
