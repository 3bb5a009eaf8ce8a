import { Anchor, Button, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from '../settings/permissions';
import { runsQuery, tasksKey, tasksQuery, type CsmTask } from './playbook-queries';

/** /tasks: the CSM tasks playbooks open, soonest due first, by assignee and status; done in a click. */
export function TasksPage() {
  const [status, setStatus] = useState<'open' | 'done' | 'all'>('open');
  const [assignee, setAssignee] = useState('');
  const tasks = useQuery(tasksQuery({ assignee: assignee.trim() || undefined, status: status === 'all' ? undefined : status }));
  const writable = useCan()('tickets:write');
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          CSM tasks
        </Title>
        <Button component={Link} to="/playbooks" variant="default">
          Playbooks
        </Button>
      </Group>
      <Group align="flex-end">
        <SegmentedControl
          aria-label="Task status"
          value={status}
          onChange={(v) => setStatus(v === 'done' ? 'done' : v === 'all' ? 'all' : 'open')}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'done', label: 'Done' },
            { value: 'all', label: 'All' },
          ]}
        />
        <TextInput
          label="Assignee"
          placeholder="csm@example.com"
          value={assignee}
          onChange={(e) => setAssignee(e.currentTarget.value)}
          w={260}
        />
      </Group>
      {tasks.isError ? (
        <ErrorState title="Could not load the tasks" error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : tasks.isPending ? (
        <Loading label="Loading the tasks…" />
      ) : tasks.data.length === 0 ? (
        <Text c="gray.7">
          No {status === 'all' ? '' : `${status} `}tasks{assignee.trim() ? ` for ${assignee.trim()}` : ''}.
        </Text>
      ) : (
        <Paper withBorder p="md">
          <Table aria-label="CSM tasks" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Task</Table.Th>
                <Table.Th>Person</Table.Th>
                <Table.Th>Assignee</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tasks.data.map((task) => (
                <TaskRow key={task.id} task={task} writable={writable} />
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}

function TaskRow({ task, writable }: { task: CsmTask; writable: boolean }) {
  const client = useQueryClient();
  const mark = useMutation({
    mutationFn: (status: 'open' | 'done') =>
      unwrap(api.PATCH('/api/v1/tasks/{id}', { params: { path: { id: task.id } }, body: { status } })),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: tasksKey });
      notify({ color: 'teal', title: saved.status === 'done' ? 'Task done' : 'Task open again', message: saved.title });
    },
    onError: (error) => notify({ color: 'red', title: 'The task was not changed', message: error.message }),
  });
  const overdue = task.status === 'open' && task.dueAt !== null && new Date(task.dueAt).getTime() < Date.now();
  return (
    <Table.Tr aria-label={task.title}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {task.title}
        </Text>
        {task.reason && (
          <Text size="xs" c="gray.7">
            {task.reason}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <TaskPerson task={task} />
      </Table.Td>
      <Table.Td>{task.assignee ?? '—'}</Table.Td>
      <Table.Td>
        <Text size="sm" c={overdue ? 'red.9' : undefined}>
          {task.dueAt ? new Date(task.dueAt).toLocaleDateString() : '—'}
          {overdue && ' (overdue)'}
        </Text>
      </Table.Td>
      <Table.Td>
        {task.playbook ? (
          <Anchor component={Link} to={`/playbooks/${task.playbook}`}>
            {task.playbook}
          </Anchor>
        ) : (
          '—'
        )}
      </Table.Td>
      <Table.Td>
        {writable ? (
          <Button
            size="compact-sm"
            variant={task.status === 'open' ? 'light' : 'subtle'}
            onClick={() => mark.mutate(task.status === 'open' ? 'done' : 'open')}
            loading={mark.isPending}
            aria-label={task.status === 'open' ? `Mark done: ${task.title}` : `Open again: ${task.title}`}
          >
            {task.status === 'open' ? 'Mark done' : 'Open again'}
          </Button>
        ) : (
          task.status
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The task's person as a link to their page. A task names its person by internal id; the run that
 * opened it has their userId (the page's address), so it is read from the playbook's latest runs.
 */
function TaskPerson({ task }: { task: CsmTask }) {
  const resolvable = task.playbook !== null && task.runId !== null;
  const runs = useQuery({ ...runsQuery(task.playbook ?? '', { limit: 500 }), enabled: resolvable });
  const userId = runs.data?.find((r) => r.id === task.runId)?.userId;
  if (!userId) return <Text size="sm">{resolvable && runs.isPending ? '…' : `person ${task.personId}`}</Text>;
  return (
    <Anchor component={Link} to={`/people/${encodeURIComponent(userId)}`}>
      {userId}
    </Anchor>
  );
}
