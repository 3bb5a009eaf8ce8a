import { ActionIcon, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconGripVertical } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';
import { notify } from '../../shell/notify';
import { useCan } from '../settings/permissions';
import { PolicyForm } from './PolicyForm';
import { SlaPolicies } from './SlaPolicies';
import { loadPolicies, loadSlaPolicies, policiesKey, slaKey, type Policy } from './support-policy-queries';

/** /settings/support-policies: the ordered support policies, an editor with a preview of the open tickets it would change, and the SLA policies. */
export function SupportPoliciesPage() {
  const can = useCan();
  const policies = useQuery({
    queryKey: policiesKey,
    queryFn: loadPolicies,
    // A saved policy's open tickets are decided again in the background: follow it until done.
    refetchInterval: (query) => (query.state.data?.some((p) => p.redecision?.status !== 'done') ? 1000 : false),
  });
  const slas = useQuery({ queryKey: slaKey, queryFn: loadSlaPolicies });
  const [editing, setEditing] = useState<Policy | 'new' | undefined>();
  const [dragged, setDragged] = useState<string | undefined>();
  const client = useQueryClient();
  const reorder = useMutation({
    mutationFn: (keys: string[]) => unwrap(api.POST('/api/v1/support-policies/reorder', { body: { keys } })),
    onSuccess: (saved) => {
      client.setQueryData(policiesKey, saved);
      notify({
        color: 'green',
        title: 'Order saved',
        message: `${saved[0]?.name ?? 'The first policy'} now applies first; open tickets are decided again.`,
      });
    },
    onError: (error) => notify({ color: 'red', title: 'The order was not saved', message: error.message }),
  });
  if (policies.isPending || slas.isPending) return <Loading label="Loading the support policies…" />;
  if (policies.isError)
    return <ErrorState title="The support policies could not be loaded" error={policies.error} onRetry={() => void policies.refetch()} />;
  if (slas.isError)
    return <ErrorState title="The SLA policies could not be loaded" error={slas.error} onRetry={() => void slas.refetch()} />;
  const writable = can('settings:write');
  const keys = policies.data.map((p) => p.key);
  /** Moves `key` to where `target` is (dragging) or by one place (the arrow buttons), and saves the whole order. */
  const move = (key: string, to: number) => {
    const from = keys.indexOf(key);
    if (from < 0 || to < 0 || to >= keys.length || to === from) return;
    const next = keys.filter((k) => k !== key);
    next.splice(to, 0, key);
    reorder.mutate(next);
  };
  return (
    <Stack gap="lg" maw={960}>
      <Paper withBorder p="md" aria-labelledby="policies-title" component="section">
        <Group justify="space-between" mb={4}>
          <Title order={2} size="h4" id="policies-title">
            Support policies
          </Title>
          {writable && (
            <Button size="compact-sm" onClick={() => setEditing('new')}>
              New policy
            </Button>
          )}
        </Group>
        <Text size="sm" c="dimmed" mb="md">
          In order: for each attribute the first matching policy wins; a ticket no policy matches keeps its own priority.
          {writable && ' Drag a row by its handle, or use the arrows, to change the order.'}
        </Text>
        {policies.data.length === 0 ? (
          <Text size="sm">No support policies yet.</Text>
        ) : (
          <Table aria-label="Support policies" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Order</Table.Th>
                <Table.Th>Policy</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Sets</Table.Th>
                <Table.Th>Open tickets decided again</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {policies.data.map((p, i) => (
                <Table.Tr
                  key={p.key}
                  draggable={writable && !reorder.isPending}
                  onDragStart={(event) => {
                    event.dataTransfer.effectAllowed = 'move';
                    setDragged(p.key);
                  }}
                  onDragOver={(event) => dragged && event.preventDefault()}
                  onDrop={(event) => {
                    event.preventDefault();
                    if (dragged) move(dragged, i);
                    setDragged(undefined);
                  }}
                  onDragEnd={() => setDragged(undefined)}
                  data-dragging={dragged === p.key || undefined}
                  aria-label={p.name}
                >
                  <Table.Td>
                    <Group gap={2} wrap="nowrap">
                      {writable && (
                        <>
                          <IconGripVertical size={16} aria-hidden className="drag-handle" />
                          <ActionIcon
                            variant="subtle"
                            size="sm"
                            aria-label={`Move ${p.name} up`}
                            disabled={i === 0 || reorder.isPending}
                            onClick={() => move(p.key, i - 1)}
                          >
                            <IconArrowUp size={14} />
                          </ActionIcon>
                          <ActionIcon
                            variant="subtle"
                            size="sm"
                            aria-label={`Move ${p.name} down`}
                            disabled={i === keys.length - 1 || reorder.isPending}
                            onClick={() => move(p.key, i + 1)}
                          >
                            <IconArrowDown size={14} />
                          </ActionIcon>
                        </>
                      )}
                      <Text size="sm">{i + 1}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {writable ? (
                      <Button variant="subtle" size="compact-sm" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                        {p.name}
                      </Button>
                    ) : (
                      p.name
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {p.when}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {Object.entries(p.set).map(([attribute, value]) => (
                        <Badge key={attribute} size="sm" variant="light">
                          {attribute}: {Array.isArray(value) ? value.join(', ') : String(value)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{p.redecision ? `${p.redecision.done} of ${p.redecision.total} (${p.redecision.status})` : '—'}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {editing && (
        <PolicyForm
          key={editing === 'new' ? 'new' : editing.key}
          policy={editing === 'new' ? undefined : editing}
          slas={slas.data}
          onDone={() => setEditing(undefined)}
        />
      )}
      <SlaPolicies slas={slas.data} writable={writable} />
    </Stack>
  );
}
