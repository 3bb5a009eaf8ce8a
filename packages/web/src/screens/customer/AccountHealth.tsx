import { Badge, Group, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';

const trendWords = { up: 'rising', down: 'falling', flat: 'steady' } as const;
const shown = (n: number | null) => (n === null ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(2));

/** An account's health under the default model: score, band, trend over 30 days, and what each measure adds. */
export function AccountHealth({ groupId }: { groupId: string }) {
  const health = useQuery({
    queryKey: ['account', groupId, 'health'],
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{groupId}/health', { params: { path: { groupId }, query: { model: 'default' } } })),
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
        <Text size="sm" c="dimmed">
          {trendWords[h.trend]} over 30 days
        </Text>
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
              <Table.Td>{m.contribution.toFixed(1)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
