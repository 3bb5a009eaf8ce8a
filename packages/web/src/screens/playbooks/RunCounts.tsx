import { Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { runsQuery, runStatuses } from './playbook-queries';

const counted = 500;

/** A playbook's runs by status ("3 active · 1 failed"), from its latest 500 runs. */
export function RunCounts({ playbookKey }: { playbookKey: string }) {
  const runs = useQuery(runsQuery(playbookKey, { limit: counted }));
  if (runs.isPending) return <Text size="sm">…</Text>;
  if (runs.isError) return <Text size="sm">could not count</Text>;
  if (runs.data.length === 0) return <Text size="sm">no runs yet</Text>;
  const parts = runStatuses.flatMap((status) => {
    const n = runs.data.filter((r) => r.status === status).length;
    return n > 0 ? [`${n} ${status}`] : [];
  });
  return (
    <Text size="sm" c={runs.data.some((r) => r.status === 'failed') ? 'red.9' : undefined}>
      {parts.join(' · ')}
      {runs.data.length === counted && ` (of the latest ${counted})`}
    </Text>
  );
}
