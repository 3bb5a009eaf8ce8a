import { Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';

/** How the accounts' current `default` scores spread, in bins of ten points: a preview of what the model does. */
export function ScoreDistribution() {
  const points = useQuery({ queryKey: ['health', 'quadrant'], queryFn: () => unwrap(api.GET('/api/v1/analytics/quadrant')) });
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, count: 0 }));
  for (const p of points.data ?? []) bins[Math.min(9, Math.floor(p.health / 10))]!.count++;
  const total = points.data?.length ?? 0;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="distribution-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="distribution-title">
          Score distribution
        </Title>
        {points.isError ? (
          <ErrorState title="Could not load the scores" error={points.error} onRetry={() => void points.refetch()} />
        ) : points.isPending ? (
          <Loading label="Loading the scores…" />
        ) : (
          <>
            <Text size="sm" c="dimmed">
              {total} accounts under the default model, after its last save.
            </Text>
            <Table aria-label="Accounts by health score" verticalSpacing={2}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Score</Table.Th>
                  <Table.Th>Accounts</Table.Th>
                  <Table.Th>Share</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {bins.map((b) => (
                  <Table.Tr key={b.from}>
                    <Table.Td>
                      {b.from}–{b.from === 90 ? 100 : b.from + 9}
                    </Table.Td>
                    <Table.Td>{b.count}</Table.Td>
                    <Table.Td w="50%">
                      <Progress
                        value={total === 0 ? 0 : (b.count / total) * 100}
                        aria-label={`Share of accounts scoring ${b.from} to ${b.from + 9}`}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Paper>
  );
}
