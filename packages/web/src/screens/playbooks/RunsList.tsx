import { Alert, Anchor, Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { playbooksKey, runsQuery, runStatuses, type Run, type RunStatus } from './playbook-queries';
import { RunSteps, stepPlace } from './RunSteps';

const stepCount = (n: number) => (n === 1 ? '1 step' : `${n} steps`);
const statusColor: Record<RunStatus, string> = {
  active: 'blue.9',
  completed: 'teal.9',
  exited: 'gray.7',
  stopped: 'orange.9',
  failed: 'red.9',
};

/** A playbook's runs, newest first, filtered by status and person: each run's steps, a failed run's error and its Retry. */
export function RunsList({ playbookKey, writable }: { playbookKey: string; writable: boolean }) {
  const [status, setStatus] = useState<RunStatus | undefined>();
  const [personId, setPersonId] = useState('');
  const runs = useQuery({ ...runsQuery(playbookKey, { status, personId: personId.trim() || undefined }), refetchInterval: 3000 });
  const [open, setOpen] = useState<string | undefined>();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="runs-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="runs-title">
          Runs
        </Title>
        <Group>
          <Select
            label="Status"
            placeholder="any"
            data={[...runStatuses]}
            value={status ?? null}
            onChange={(v) => setStatus((v as RunStatus | null) ?? undefined)}
            clearable
            w={180}
          />
          <TextInput label="Person (userId)" value={personId} onChange={(e) => setPersonId(e.currentTarget.value)} w={240} />
        </Group>
        {runs.isError ? (
          <ErrorState title="Could not load the runs" error={runs.error} onRetry={() => void runs.refetch()} />
        ) : runs.isPending ? (
          <Loading label="Loading the runs…" />
        ) : runs.data.length === 0 ? (
          <Text size="sm" c="gray.7">
            No runs{status ? ` that are ${status}` : ''}
            {personId.trim() ? ` of ${personId.trim()}` : ''} yet.
          </Text>
        ) : (
          <Table aria-label="Runs" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Run</Table.Th>
                <Table.Th>Person</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Next step</Table.Th>
                <Table.Th>Steps</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.data.map((run) => (
                <Fragment key={run.id}>
                  <Table.Tr aria-label={`Run ${run.id} of ${run.userId ?? 'an anonymous person'}`}>
                    <Table.Td>{run.id}</Table.Td>
                    <Table.Td>
                      {run.userId ? (
                        <Anchor component={Link} to={`/people/${encodeURIComponent(run.userId)}`}>
                          {run.userId}
                        </Anchor>
                      ) : (
                        'anonymous'
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="outline" color={statusColor[run.status]}>
                        {run.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{run.version}</Table.Td>
                    <Table.Td>{new Date(run.startedAt).toLocaleString()}</Table.Td>
                    <Table.Td>{run.nextStep === null ? '—' : stepPlace(run.nextStep)}</Table.Td>
                    <Table.Td>
                      <Button
                        variant="subtle"
                        size="compact-sm"
                        aria-expanded={open === run.id}
                        onClick={() => setOpen(open === run.id ? undefined : run.id)}
                        aria-label={`${open === run.id ? 'Hide' : 'Show'} ${stepCount(run.steps.length)} of run ${run.id}`}
                      >
                        {open === run.id ? 'Hide' : 'Show'} {stepCount(run.steps.length)}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                  {(open === run.id || run.status === 'failed') && (
                    <Table.Tr>
                      <Table.Td colSpan={7}>
                        <Stack gap="xs" pl="md">
                          {run.status === 'failed' && <FailedRun run={run} playbookKey={playbookKey} writable={writable} />}
                          {open === run.id && <RunSteps run={run} />}
                        </Stack>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}

function FailedRun({ run, playbookKey, writable }: { run: Run; playbookKey: string; writable: boolean }) {
  const client = useQueryClient();
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/playbooks/{key}/runs/{id}/retry', { params: { path: { key: playbookKey, id: run.id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: [...playbooksKey, playbookKey, 'runs'] });
      notify({ color: 'teal', title: `Run ${run.id} retried`, message: 'It runs again from the step that failed.' });
    },
    onError: (error) => notify({ color: 'red', title: `Run ${run.id} was not retried`, message: error.message }),
  });
  return (
    <Alert color="red" title={`Run ${run.id} failed${run.nextStep !== null ? ` at ${stepPlace(run.nextStep)}` : ''}`}>
      <Group justify="space-between" align="flex-start">
        <Text size="sm">{run.error ?? 'no error was recorded'}</Text>
        {writable && (
          <Button size="xs" variant="default" onClick={() => retry.mutate()} loading={retry.isPending} aria-label={`Retry run ${run.id}`}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}
