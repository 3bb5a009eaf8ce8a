import { Badge, Group, Progress, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';
import { Sparkline } from '../segments/Sparkline';

const trendWords = { up: 'rising', down: 'falling', flat: 'steady' } as const;
const shown = (n: number | null) => (n === null ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(2));

/** Days of history the trend line shows. */
const historyDays = 90;

/** An account's health under the default model: score, band, trend over 30 days with the last 90 days as a line, and what each measure adds as a bar. */
export function AccountHealth({ groupId }: { groupId: string }) {
  const health = useQuery({
    queryKey: ['account', groupId, 'health'],
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{groupId}/health', { params: { path: { groupId }, query: { model: 'default' } } })),
  });
  const history = useQuery({
    queryKey: ['account', groupId, 'health', 'history'],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/accounts/{groupId}/health/history', {
          params: {
            path: { groupId },
            query: { model: 'default', from: new Date(Date.now() - historyDays * 86_400_000).toISOString().slice(0, 10) },
          },
        }),
      ),
  });
  if (health.isPending) return <Loading label="Loading health…" />;
  if (health.isError)
    return <ErrorState title="Could not load the health score" error={health.error} onRetry={() => void health.refetch()} />;
  const h = health.data;
  return (
    <>
      <Group gap="sm">
        <Text size="xl" fw={700} aria-label={`Health score ${h.score.toFixed(0)} of 100`}>
          {h.score.toFixed(0)}
        </Text>
        <Badge variant="light">{h.band ?? 'no band'}</Badge>
        <Text size="sm" c="gray.7">
          {trendWords[h.trend]} over 30 days
        </Text>
        {history.data && history.data.days.length > 1 && (
          <Sparkline
            values={history.data.days.map((d) => d.score)}
            label={`Health over the last ${history.data.days.length} days: ${history.data.days[0]!.score.toFixed(0)} to ${history.data.days.at(-1)!.score.toFixed(0)}`}
          />
        )}
      </Group>
      <Table aria-label="Health measures" verticalSpacing={2}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Measure</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th>Score</Table.Th>
            <Table.Th>Weight</Table.Th>
            <Table.Th>Adds</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {h.measures.map((m) => (
            <Table.Tr key={m.key}>
              <Table.Td>{m.name}</Table.Td>
              <Table.Td>{m.value === null ? 'missing' : shown(m.value)}</Table.Td>
              <Table.Td>{m.score === null ? 'skipped' : m.score.toFixed(0)}</Table.Td>
              <Table.Td>{shown(m.weight)}</Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" w={36} ta="right">
                    {m.contribution.toFixed(1)}
                  </Text>
                  <Progress value={m.contribution} w={100} aria-label={`${m.name} adds ${m.contribution.toFixed(1)} of 100 points`} />
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
