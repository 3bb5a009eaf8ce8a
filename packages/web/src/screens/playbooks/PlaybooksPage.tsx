import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import { useCan } from '../settings/permissions';
import { KillSwitch } from './KillSwitch';
import { playbooksKey, loadPlaybooks } from './playbook-queries';
import { RunCounts } from './RunCounts';
import { describeTrigger } from './trigger-kinds';

/** /playbooks: every playbook with its trigger in words, kill switch, version and runs by status (docs/playbooks.md). */
export function PlaybooksPage() {
  const can = useCan();
  const playbooks = useQuery({ queryKey: playbooksKey, queryFn: loadPlaybooks });
  const writable = can('playbooks:write');
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Playbooks
        </Title>
        <Group>
          <Button component={Link} to="/tasks" variant="default">
            CSM tasks
          </Button>
          {writable && (
            <Button component={Link} to="/playbooks/new">
              New playbook
            </Button>
          )}
        </Group>
      </Group>
      <Text c="gray.7">
        What a segment change (or another trigger) sets off for each person, step by step. The guide is docs/playbooks.md.
      </Text>
      {playbooks.isError ? (
        <ErrorState title="Could not load the playbooks" error={playbooks.error} onRetry={() => void playbooks.refetch()} />
      ) : playbooks.isPending ? (
        <Loading label="Loading the playbooks…" />
      ) : playbooks.data.length === 0 ? (
        <EmptyState title="No playbooks yet">
          A playbook waits, branches, opens CSM tasks, sets traits or calls webhooks when a customer enters a segment.
        </EmptyState>
      ) : (
        <Paper withBorder p="md">
          <Table aria-label="Playbooks" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Playbook</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>When a person</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Runs</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {playbooks.data.map((p) => (
                <Table.Tr key={p.key}>
                  <Table.Td>
                    <Anchor component={Link} to={`/playbooks/${p.key}`}>
                      {p.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {p.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>{describeTrigger(p.trigger)}</Table.Td>
                  <Table.Td>
                    <KillSwitch playbook={p} disabled={!writable} />
                  </Table.Td>
                  <Table.Td>{p.version}</Table.Td>
                  <Table.Td>
                    <RunCounts playbookKey={p.key} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
