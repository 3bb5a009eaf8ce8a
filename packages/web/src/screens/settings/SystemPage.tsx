import { Alert, Badge, Group, NativeSelect, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';
import { duration } from './duration';
import { when } from './when';

// The background moves while the page is open: it follows on its own, every few seconds.
const refetchInterval = 5_000;

/** /settings/system: what the background spine is doing here: live evaluation's queue, change subscribers and jobs. */
export function SystemPage() {
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Segments stay current through live evaluation; membership changes reach webhooks through change subscribers; long work runs as jobs.
        This page follows all three every few seconds.
      </Text>
      <LiveEvaluation />
      <Subscribers />
      <Jobs />
    </Stack>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <Paper withBorder p="sm" miw={150} role="group" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Paper>
  );
}

function LiveEvaluation() {
  const live = useQuery({ queryKey: ['system', 'live'], queryFn: () => unwrap(api.GET('/api/v1/system/live')), refetchInterval });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="system-live-title">
      <Title order={2} size="h4" id="system-live-title" mb={4}>
        Live evaluation
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Each change to a customer is queued, then every segment it concerns is decided again. A queue that stays long or old means
        evaluation is not keeping up with what arrives; docs/operations.md says how to add a worker.
      </Text>
      {live.isPending ? (
        <Loading label="Loading live evaluation…" />
      ) : live.isError ? (
        <ErrorState title="Live evaluation's queue could not be loaded" error={live.error} onRetry={() => void live.refetch()} />
      ) : (
        <>
          <Group gap="sm" mb={live.data.lastError ? 'md' : 0}>
            <Stat label="Waiting" value={live.data.queued.toLocaleString()} hint="changes to decide" />
            <Stat label="Oldest waiting" value={duration(live.data.oldestQueuedSeconds)} hint="how far behind" />
            <Stat label="Retrying" value={live.data.retrying.toLocaleString()} hint="failed, retried with backoff" />
            <Stat label="Parked" value={live.data.parked.toLocaleString()} hint="failed every attempt" />
          </Group>
          {live.data.lastError && (
            <Alert color="red" variant="light" p="xs" role="note" title={`Last failure ${when(live.data.lastErrorAt)}`}>
              <Text size="sm">{live.data.lastError}</Text>
              <Text size="sm" c="dimmed">
                The failing segment&apos;s page shows which of its own failed; fixing its rule retries them.
              </Text>
            </Alert>
          )}
        </>
      )}
    </Paper>
  );
}

function Subscribers() {
  const subscribers = useQuery({
    queryKey: ['system', 'subscribers'],
    queryFn: () => unwrap(api.GET('/api/v1/system/subscribers')),
    refetchInterval,
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="system-subscribers-title">
      <Title order={2} size="h4" id="system-subscribers-title" mb={4}>
        Change subscribers
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Each reads segment membership changes in order (membership webhooks today); lag is the age of the oldest change it has not handled.
      </Text>
      {subscribers.isPending ? (
        <Loading label="Loading subscribers…" />
      ) : subscribers.isError ? (
        <ErrorState title="Subscribers could not be loaded" error={subscribers.error} onRetry={() => void subscribers.refetch()} />
      ) : (
        <Table aria-label="Change subscribers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Subscriber</Table.Th>
              <Table.Th scope="col">Handled</Table.Th>
              <Table.Th scope="col">Backlog</Table.Th>
              <Table.Th scope="col">Lag</Table.Th>
              <Table.Th scope="col">Last error</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {subscribers.data.map((s) => (
              <Table.Tr key={s.name}>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>{s.handled.toLocaleString()}</Table.Td>
                <Table.Td>{s.backlog.toLocaleString()}</Table.Td>
                <Table.Td>{duration(s.lagSeconds)}</Table.Td>
                <Table.Td>
                  {s.lastError ? (
                    <Text size="sm" c="red.8">
                      {s.lastError}
                      {s.failures > 0 && ` (${s.failures} in a row; next attempt ${when(s.nextAttemptAt, 'soon')})`}
                    </Text>
                  ) : (
                    <Text size="sm" c="dimmed">
                      none
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

const jobStates = ['queued', 'running', 'retrying', 'dead'] as const;
type JobState = (typeof jobStates)[number];
const stateColor: Record<JobState, string> = { queued: 'gray', running: 'blue', retrying: 'orange', dead: 'red' };

function Jobs() {
  const [state, setState] = useState<JobState | ''>('');
  const jobs = useQuery({
    queryKey: ['system', 'jobs', state],
    queryFn: () => unwrap(api.GET('/api/v1/system/jobs', { params: { query: { limit: 100, ...(state ? { state } : {}) } } })),
    refetchInterval,
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="system-jobs-title">
      <Group justify="space-between" align="flex-end" mb={4}>
        <Title order={2} size="h4" id="system-jobs-title">
          Background jobs
        </Title>
        <NativeSelect
          label="Show"
          size="xs"
          value={state}
          onChange={(event) => setState(event.currentTarget.value as JobState | '')}
          data={[
            { value: '', label: 'All jobs' },
            ...jobStates.map((s) => ({ value: s, label: s === 'dead' ? 'Dead (gave up)' : s[0]!.toUpperCase() + s.slice(1) })),
          ]}
        />
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Deliveries, training and other long work, newest first. A job that fails is retried with backoff and kept as dead after its last
        attempt; a webhook delivery is sent again from its webhook&apos;s deliveries.
      </Text>
      {jobs.isPending ? (
        <Loading label="Loading jobs…" />
      ) : jobs.isError ? (
        <ErrorState title="Jobs could not be loaded" error={jobs.error} onRetry={() => void jobs.refetch()} />
      ) : jobs.data.length === 0 ? (
        <Text size="sm" role="status">
          {state ? `No ${state} jobs.` : 'No jobs yet.'}
        </Text>
      ) : (
        <Table aria-label="Background jobs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Task</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">Attempts</Table.Th>
              <Table.Th scope="col">Runs at</Table.Th>
              <Table.Th scope="col">Last error</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {jobs.data.map((job) => (
              <Table.Tr key={job.id}>
                <Table.Td>{job.task}</Table.Td>
                <Table.Td>
                  <Badge color={stateColor[job.state]} variant="light">
                    {job.state}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {job.attempts} of {job.maxAttempts}
                </Table.Td>
                <Table.Td>{when(job.runAt)}</Table.Td>
                <Table.Td>
                  <Text size="sm" c={job.lastError ? 'red.8' : 'dimmed'}>
                    {job.lastError ?? 'none'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
