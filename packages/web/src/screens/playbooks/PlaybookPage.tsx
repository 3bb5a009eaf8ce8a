import { Button, Group, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from '../settings/permissions';
import { ExperimentReadout } from './ExperimentReadout';
import { KillSwitch } from './KillSwitch';
import { playbookQuery } from './playbook-queries';
import { RunsList } from './RunsList';
import { describeTrigger } from './trigger-kinds';

/** /playbooks/:key: the playbook's trigger and kill switch, its runs, and its experiment's readout when it has one. */
export function PlaybookPage() {
  const key = useParams().key ?? '';
  const can = useCan();
  const [search, setSearch] = useSearchParams();
  const playbook = useQuery(playbookQuery(key));
  if (playbook.isPending) return <Loading label={`Loading ${key}…`} />;
  if (playbook.isError)
    return <ErrorState title={`Could not load playbook ${key}`} error={playbook.error} onRetry={() => void playbook.refetch()} />;
  const p = playbook.data;
  const writable = can('playbooks:write');
  // The experiment comes with another part of the server: read it when the answer has it.
  const hasExperiment = Boolean((p as { experiment?: unknown }).experiment);
  const tab = search.get('tab') === 'experiment' && hasExperiment ? 'experiment' : 'runs';
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {p.name}
        </Title>
        <Group>
          <Button component={Link} to="/playbooks" variant="default">
            All playbooks
          </Button>
          {writable && (
            <Button component={Link} to={`/playbooks/${p.key}/edit`}>
              Edit playbook
            </Button>
          )}
        </Group>
      </Group>
      <Paper withBorder p="md">
        <Group gap="xl">
          <Text size="sm">
            Key{' '}
            <Text span ff="monospace">
              {p.key}
            </Text>
          </Text>
          <Text size="sm">When a person {describeTrigger(p.trigger)}</Text>
          <Text size="sm">{p.steps.length === 1 ? '1 step' : `${p.steps.length} steps`}</Text>
          <Text size="sm">Version {p.version}</Text>
          <Group gap="xs">
            <Text size="sm">Enabled</Text>
            <KillSwitch playbook={p} disabled={!writable} />
          </Group>
        </Group>
      </Paper>
      {hasExperiment ? (
        <Tabs value={tab} onChange={(v) => setSearch(v === 'experiment' ? { tab: 'experiment' } : {}, { replace: true })}>
          <Tabs.List>
            <Tabs.Tab value="runs">Runs</Tabs.Tab>
            <Tabs.Tab value="experiment">Experiment</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="runs" pt="md">
            <RunsList playbookKey={p.key} writable={writable} />
          </Tabs.Panel>
          <Tabs.Panel value="experiment" pt="md">
            {tab === 'experiment' && <ExperimentReadout playbookKey={p.key} />}
          </Tabs.Panel>
        </Tabs>
      ) : (
        <RunsList playbookKey={p.key} writable={writable} />
      )}
    </Stack>
  );
}
