import { Badge, Button, Paper, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from '../settings/permissions';

/** The agents seated in queues: status and open tickets; an agent sets themselves (or a lead anyone) away or back. */
export function Agents() {
  const can = useCan();
  const me = useSession().data?.user?.email;
  const client = useQueryClient();
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => unwrap(api.GET('/api/v1/agents')), refetchInterval: 30_000 });
  const setStatus = useMutation({
    mutationFn: ({ email, status }: { email: string; status: 'online' | 'away' }) =>
      unwrap(api.PUT('/api/v1/agents/{email}/status', { params: { path: { email } }, body: { status } })),
    onSuccess: (result) => {
      notify({
        color: 'green',
        title: result.status === 'away' ? `${result.email} is away` : `${result.email} is online`,
        message: result.status === 'away' ? `${result.moved.length} open ticket(s) handed on.` : 'New tickets reach them again.',
      });
      void client.invalidateQueries({ queryKey: ['agents'] });
      void client.invalidateQueries({ queryKey: ['triage'] });
    },
    onError: (error) => notify({ color: 'red', title: 'The status was not changed', message: error.message }),
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="agents-title">
      <Title order={2} size="h4" id="agents-title" mb={4}>
        Agents
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Queues assign tickets to agents who are online and under capacity. Setting an agent away hands their open queue tickets to others.
      </Text>
      {agents.isPending ? (
        <Loading label="Loading agents…" />
      ) : agents.isError ? (
        <ErrorState title="Agents could not be loaded" error={agents.error} onRetry={() => void agents.refetch()} />
      ) : agents.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No agents yet: a queue seats them (PUT /api/v1/queues/KEY).
        </Text>
      ) : (
        <Table aria-label="Agents">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Agent</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Open tickets</Table.Th>
              <Table.Th scope="col">Queues</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {agents.data.map((a) => {
              const next = a.status === 'online' ? 'away' : 'online';
              return (
                <Table.Tr key={a.email}>
                  <Table.Td>{a.email}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={a.status === 'online' ? 'green' : 'gray'}>
                      {a.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{a.openTickets}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {a.queues
                        .map((q) => `${q.key} (up to ${q.capacity}${q.languages.length ? `, ${q.languages.join('/')}` : ''})`)
                        .join(', ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {can('queue:work') && (a.email === me || can('policies:write')) && (
                      <Button
                        size="xs"
                        variant="light"
                        loading={setStatus.isPending && setStatus.variables?.email === a.email}
                        onClick={() => setStatus.mutate({ email: a.email, status: next })}
                        aria-label={`${next === 'away' ? 'Set away' : 'Set online'} ${a.email}`}
                      >
                        {next === 'away' ? 'Set away' : 'Set online'}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
