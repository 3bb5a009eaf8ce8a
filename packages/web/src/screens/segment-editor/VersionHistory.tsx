import { Badge, Code, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../shell/PageState';

/** A version's backfill as a bar: profiles evaluated of those to evaluate. */
export function BackfillProgress({ version, done, total }: { version: number; done: number; total: number }) {
  const percent = total === 0 ? 0 : Math.min(100, Math.round((done / total) * 100));
  const label = `Building version ${version}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} profiles evaluated`;
  return (
    <Stack gap={4}>
      <Text size="sm">{label}</Text>
      <Progress value={percent} animated aria-label={label} />
      <Text size="xs" c="dimmed">
        The current version keeps serving until this one is complete.
      </Text>
    </Stack>
  );
}

/** Every version of the segment, newest first, with its rule; polled while one builds. */
export function VersionHistory({ segmentKey, polling }: { segmentKey: string; polling: boolean }) {
  const versions = useQuery({
    queryKey: ['segments', segmentKey, 'versions'],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}/versions', { params: { path: { key: segmentKey } } })),
    refetchInterval: (query) => (polling || query.state.data?.some((v) => v.state === 'building') ? 1000 : false),
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="versions-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="versions-title">
          Version history
        </Title>
        {versions.isPending ? (
          <Text c="dimmed">Loading versions…</Text>
        ) : versions.isError ? (
          <ErrorState title="Could not load the versions" error={versions.error} onRetry={() => void versions.refetch()} />
        ) : (
          <Stack gap="sm" component="ol" className="version-list">
            {versions.data.map((v) => (
              <li key={v.version}>
                <Stack gap={4}>
                  <Group gap="xs">
                    <Text fw={600}>Version {v.version}</Text>
                    <Badge variant="default" tt="none">
                      {v.state}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {v.activatedAt
                        ? `serving since ${new Date(v.activatedAt).toLocaleString('en')}`
                        : `created ${new Date(v.createdAt).toLocaleString('en')}`}
                    </Text>
                  </Group>
                  <Code block>{v.rule}</Code>
                  {v.state === 'building' && <BackfillProgress version={v.version} done={v.backfill.done} total={v.backfill.total} />}
                </Stack>
              </li>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
