import { Badge, Button, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';
import { ModelEditor } from './ModelEditor';
import { QuadrantSection } from './QuadrantSection';
import { ScoreDistribution } from './ScoreDistribution';

export const healthModelsKey = ['health', 'models'] as const;

/** /health: the workspace's health models with an editor, the score distribution and the value x health quadrant. */
export function HealthPage() {
  const models = useQuery({ queryKey: healthModelsKey, queryFn: () => unwrap(api.GET('/api/v1/health-models')) });
  const [selected, setSelected] = useState('default');
  if (models.isPending) return <Loading label="Loading health models…" />;
  if (models.isError) return <ErrorState title="Could not load health models" error={models.error} onRetry={() => void models.refetch()} />;
  const model = models.data.find((m) => m.key === selected) ?? models.data[0];
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Health
      </Title>
      <Paper withBorder p="md" component="section" aria-labelledby="models-title">
        <Stack gap="sm">
          <Title order={2} size="h4" id="models-title">
            Models
          </Title>
          <Table aria-label="Health models" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Model</Table.Th>
                <Table.Th>Method</Table.Th>
                <Table.Th>Measures</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>History</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {models.data.map((m) => (
                <Table.Tr key={m.key}>
                  <Table.Td>
                    <Button variant={m.key === model?.key ? 'light' : 'subtle'} size="compact-sm" onClick={() => setSelected(m.key)}>
                      {m.name} ({m.key})
                    </Button>{' '}
                    {m.predefined && <Badge variant="default">predefined</Badge>}
                  </Table.Td>
                  <Table.Td>{m.method}</Table.Td>
                  <Table.Td>{m.measures.length}</Table.Td>
                  <Table.Td>{m.version === 0 ? 'built-in' : m.version}</Table.Td>
                  <Table.Td>
                    {m.recompute ? (
                      `${m.recompute.status} (${m.recompute.done} of ${m.recompute.total} accounts)`
                    ) : (
                      <Text c="dimmed">—</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Paper>
      {model && <ModelEditor key={`${model.key}:${model.version}`} model={model} />}
      <ScoreDistribution />
      <QuadrantSection />
    </Stack>
  );
}
