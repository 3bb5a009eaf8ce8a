import { Anchor, Button, Group, NativeSelect, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState } from '../../shell/PageState';
import { useCan } from '../settings/permissions';

type Target = 'person' | 'account';
type Method = 'kmeans' | 'rfm';
const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * Segments found in the data (POST /api/v1/analytics/suggestions): k-means over behaviour, value,
 * support and voice, or RFM over purchases; each as an editable rule with its fidelity, and one
 * click makes it a segment (docs/suggestions.md).
 */
export function SuggestedSegments() {
  const can = useCan();
  const client = useQueryClient();
  const [target, setTarget] = useState<Target>('account');
  const [method, setMethod] = useState<Method>('kmeans');
  const [created, setCreated] = useState<Record<string, string>>({});
  const suggest = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/analytics/suggestions', { body: { target, method, seed: 1 } })),
  });
  const create = useMutation({
    mutationFn: (segment: { key: string; name: string; target: Target; rule: string }) =>
      unwrap(api.POST('/api/v1/segments', { body: segment })),
    onSuccess: (saved, segment) => {
      setCreated((all) => ({ ...all, [segment.rule]: saved.key }));
      void client.invalidateQueries({ queryKey: ['segments'] });
      notify({ color: 'teal', title: `Segment ${saved.key} created`, message: 'It is live: edit its rule like any other.' });
    },
    onError: (error) => notify({ color: 'red', title: 'The segment was not created', message: error.message }),
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="suggestions-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="suggestions-title">
          Suggested segments
        </Title>
        <Group align="flex-end" gap="xs">
          <NativeSelect
            label="Of"
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value as Target)}
            data={[
              { value: 'account', label: 'accounts' },
              { value: 'person', label: 'people' },
            ]}
          />
          <NativeSelect
            label="Method"
            value={method}
            onChange={(e) => setMethod(e.currentTarget.value as Method)}
            data={[
              { value: 'kmeans', label: 'k-means over behaviour, value, support and voice' },
              { value: 'rfm', label: 'RFM over purchases (order_completed)' },
            ]}
          />
          <Button onClick={() => suggest.mutate()} loading={suggest.isPending}>
            Suggest
          </Button>
        </Group>
        {suggest.isError && <ErrorState title="No suggestions" error={suggest.error} />}
        {suggest.data && suggest.data.length === 0 && <Text size="sm">No group stands out in this data.</Text>}
        {suggest.data && suggest.data.length > 0 && (
          <Table aria-label="Suggested segments" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Group</Table.Th>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>Fidelity</Table.Th>
                <Table.Th>Stands out by</Table.Th>
                <Table.Th>Segment</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {suggest.data.map((s) => (
                <Table.Tr key={s.rule}>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {s.rule}
                    </Text>
                  </Table.Td>
                  <Table.Td>{`${s.size} of ${s.sampled} (${percent(s.share)})`}</Table.Td>
                  <Table.Td>{`precision ${percent(s.fidelity.precision)}, recall ${percent(s.fidelity.recall)}`}</Table.Td>
                  <Table.Td>
                    <Text size="xs">
                      {s.distinguishing
                        .slice(0, 3)
                        .map(
                          (d) =>
                            `${d.feature} ${d.value === null ? '—' : d.value.toFixed(1)} vs ${d.rest === null ? '—' : d.rest.toFixed(1)}`,
                        )
                        .join('; ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {created[s.rule] ? (
                      <Anchor component={Link} to={`/segments/${created[s.rule]}`} size="sm">
                        {`Open ${created[s.rule]}`}
                      </Anchor>
                    ) : (
                      can('segments:write') && (
                        <Button
                          size="compact-sm"
                          variant="light"
                          onClick={() => create.mutate(s.segment)}
                          aria-label={`Create segment ${s.name}`}
                        >
                          Create segment
                        </Button>
                      )
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
