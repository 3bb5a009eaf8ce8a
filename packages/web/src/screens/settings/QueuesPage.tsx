import { ActionIcon, Button, Group, NativeSelect, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import { useCan } from './permissions';

type Queue = Awaited<ReturnType<typeof loadQueues>>[number];
const loadQueues = () => unwrap(api.GET('/api/v1/queues'));
const queuesKey = ['queues'] as const;

interface SeatDraft {
  email: string;
  languages: string;
  skills: string;
  capacity: number;
}
const words = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean);

/** /settings/queues: queues of agent seats and how each picks an agent (docs/routing.md). */
export function QueuesPage() {
  const can = useCan();
  const queues = useQuery({ queryKey: queuesKey, queryFn: loadQueues });
  const [editing, setEditing] = useState<Queue | 'new' | null>(null);
  if (queues.isPending) return <Loading label="Loading queues…" />;
  if (queues.isError) return <ErrorState title="Queues could not be loaded" error={queues.error} onRetry={() => void queues.refetch()} />;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        A support policy sets a ticket&apos;s queue; the queue picks an agent who is online, under capacity and speaks the ticket&apos;s
        language.
      </Text>
      {queues.data.length === 0 ? (
        <EmptyState title="No queues yet">Create one to route tickets to agents.</EmptyState>
      ) : (
        <Table aria-label="Queues">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Queue</Table.Th>
              <Table.Th scope="col">Assignment</Table.Th>
              <Table.Th scope="col">Agents</Table.Th>
              <Table.Th scope="col">Last picked</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {queues.data.map((q) => (
              <Table.Tr key={q.key}>
                <Table.Td>
                  {can('policies:write') ? (
                    <Button variant="subtle" size="compact-sm" onClick={() => setEditing(q)} aria-label={`${q.name} (${q.key}): edit`}>
                      {q.name} ({q.key})
                    </Button>
                  ) : (
                    `${q.name} (${q.key})`
                  )}
                </Table.Td>
                <Table.Td>
                  {q.assignment}
                  {q.languageFallback === 'unassigned' ? ', waits for a speaker' : ''}
                </Table.Td>
                <Table.Td>{q.agents.map((a) => a.email).join(', ')}</Table.Td>
                <Table.Td>{q.lastAssigned ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {can('policies:write') && editing === null && (
        <Group>
          <Button onClick={() => setEditing('new')}>New queue</Button>
        </Group>
      )}
      {editing !== null && (
        <QueueForm
          key={editing === 'new' ? 'new' : editing.key}
          queue={editing === 'new' ? undefined : editing}
          onDone={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

function QueueForm({ queue, onDone }: { queue: Queue | undefined; onDone: () => void }) {
  const client = useQueryClient();
  const [key, setKey] = useState(queue?.key ?? '');
  const [name, setName] = useState(queue?.name ?? '');
  const [assignment, setAssignment] = useState<Queue['assignment']>(queue?.assignment ?? 'round-robin');
  const [languageFallback, setLanguageFallback] = useState<Queue['languageFallback']>(queue?.languageFallback ?? 'any-agent');
  const [groups, setGroups] = useState({
    zendesk: queue?.helpDeskGroups.zendesk ?? '',
    freshdesk: queue?.helpDeskGroups.freshdesk ?? '',
    intercom: queue?.helpDeskGroups.intercom ?? '',
  });
  const [seats, setSeats] = useState<SeatDraft[]>(
    queue?.agents.map((a) => ({
      email: a.email,
      languages: a.languages.join(', '),
      skills: a.skills.join(', '),
      capacity: a.capacity,
    })) ?? [{ email: '', languages: '', skills: '', capacity: 10 }],
  );
  const update = (index: number, change: Partial<SeatDraft>) =>
    setSeats((all) => all.map((s, i) => (i === index ? { ...s, ...change } : s)));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/queues/{key}', {
          params: { path: { key } },
          body: {
            name,
            assignment,
            languageFallback,
            // An empty box means no group there: the help desk keeps its own.
            helpDeskGroups: Object.fromEntries(
              Object.entries(groups)
                .map(([desk, id]): [string, string] => [desk, id.trim()])
                .filter(([, id]) => id !== ''),
            ),
            agents: seats
              .filter((s) => s.email.trim() !== '')
              .map((s) => ({ email: s.email.trim(), languages: words(s.languages), skills: words(s.skills), capacity: s.capacity })),
          },
        }),
      ),
    onSuccess: (saved) => {
      notify({ color: 'green', title: `Saved ${saved.key}`, message: `${saved.agents.length} agent(s), ${saved.assignment}.` });
      void client.invalidateQueries({ queryKey: queuesKey });
      void client.invalidateQueries({ queryKey: ['agents'] });
      onDone();
    },
    onError: (error) => notify({ color: 'red', title: 'The queue was not saved', message: error.message }),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/queues/{key}', { params: { path: { key } } })),
    onSuccess: () => {
      notify({ color: 'green', title: `Deleted ${key}`, message: 'Tickets it assigned keep their agent.' });
      void client.invalidateQueries({ queryKey: queuesKey });
      onDone();
    },
    onError: (error) => notify({ color: 'red', title: 'The queue was not deleted', message: error.message }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="queue-form-title">
      <Title order={2} size="h4" id="queue-form-title" mb="sm">
        {queue ? `Edit ${queue.key}` : 'New queue'}
      </Title>
      <Stack gap="sm">
        <Group grow align="flex-start">
          <TextInput
            label="Key"
            description="lowercase letters, digits and dashes"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            disabled={!!queue}
            required
          />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <NativeSelect
            label="Assignment"
            value={assignment}
            onChange={(e) => setAssignment(e.currentTarget.value as Queue['assignment'])}
            data={[
              { value: 'round-robin', label: 'Round robin' },
              { value: 'least-loaded', label: 'Least loaded' },
              { value: 'manual', label: 'Manual (nobody is picked)' },
            ]}
          />
          <NativeSelect
            label="Nobody speaks the language"
            value={languageFallback}
            onChange={(e) => setLanguageFallback(e.currentTarget.value as Queue['languageFallback'])}
            data={[
              { value: 'any-agent', label: 'Any agent takes it' },
              { value: 'unassigned', label: 'It waits, unassigned' },
            ]}
          />
        </Group>
        <Group grow align="flex-start">
          <TextInput
            label="Zendesk group id"
            description="tickets from Zendesk move to this group"
            value={groups.zendesk}
            onChange={(e) => setGroups({ ...groups, zendesk: e.currentTarget.value })}
          />
          <TextInput
            label="Freshdesk group id"
            description="tickets from Freshdesk move to this group"
            value={groups.freshdesk}
            onChange={(e) => setGroups({ ...groups, freshdesk: e.currentTarget.value })}
          />
          <TextInput
            label="Intercom team id"
            description="conversations from Intercom are assigned to this team"
            value={groups.intercom}
            onChange={(e) => setGroups({ ...groups, intercom: e.currentTarget.value })}
          />
        </Group>
        <Table aria-label="Agent seats">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Agent email</Table.Th>
              <Table.Th scope="col">Languages</Table.Th>
              <Table.Th scope="col">Skills</Table.Th>
              <Table.Th scope="col">Capacity</Table.Th>
              <Table.Th scope="col">
                <Text size="sm">Remove</Text>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {seats.map((seat, i) => (
              <Table.Tr key={i}>
                <Table.Td>
                  <TextInput
                    aria-label={`Agent ${i + 1} email`}
                    value={seat.email}
                    onChange={(e) => update(i, { email: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`Agent ${i + 1} languages`}
                    placeholder="en, de (none: any)"
                    value={seat.languages}
                    onChange={(e) => update(i, { languages: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`Agent ${i + 1} skills`}
                    value={seat.skills}
                    onChange={(e) => update(i, { skills: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={`Agent ${i + 1} capacity`}
                    min={1}
                    max={1000}
                    value={seat.capacity}
                    onChange={(v) => update(i, { capacity: Number(v) || 1 })}
                    w={90}
                  />
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove agent ${i + 1}`}
                    onClick={() => setSeats((all) => all.filter((_, j) => j !== i))}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group>
          <Button variant="light" onClick={() => setSeats((all) => [...all, { email: '', languages: '', skills: '', capacity: 10 }])}>
            Add agent
          </Button>
        </Group>
        <Group justify="space-between">
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save queue
            </Button>
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
          </Group>
          {queue && (
            <Button color="red" variant="light" loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete queue
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
