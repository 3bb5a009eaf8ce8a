import { Anchor, Badge, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';
import { SegmentForm } from './SegmentForm';
import { VersionHistory } from './VersionHistory';

/** The fields, event names and segment keys of the workspace: what rules are checked and completed against. */
function useFields() {
  return useQuery({ queryKey: ['fields'], queryFn: () => unwrap(api.GET('/api/v1/fields')), staleTime: 60_000 });
}

/** /segments/new: name, key, target and rule, checked as typed, previewed, then created. */
export function NewSegmentPage() {
  const fields = useFields();
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/segments" size="sm">
        ← All segments
      </Anchor>
      <Title order={1} size="h2">
        New segment
      </Title>
      {fields.isError && (
        <ErrorState title="Could not load the workspace's fields" error={fields.error} onRetry={() => void fields.refetch()} />
      )}
      <SegmentForm mode="new" fields={fields.data} />
    </Stack>
  );
}

/** /segments/:key/edit: the rule, its preview, a dry run before saving, the versions and the backfill of a new one. */
export function EditSegmentPage() {
  const { key = '' } = useParams();
  const fields = useFields();
  const segment = useQuery({
    queryKey: ['segments', key],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}', { params: { path: { key } } })),
    // While a version builds, its progress is polled.
    refetchInterval: (query) => (query.state.data?.building ? 1000 : false),
  });
  if (segment.isPending) return <Loading label={`Loading segment ${key}…`} />;
  if (segment.isError)
    return <ErrorState title={`Could not load segment ${key}`} error={segment.error} onRetry={() => void segment.refetch()} />;
  const s = segment.data;
  return (
    <Stack gap="md">
      <Anchor component={Link} to={`/segments/${encodeURIComponent(s.key)}`} size="sm">
        ← Back to {s.name}
      </Anchor>
      <Group gap="sm">
        <Title order={1} size="h2">
          Edit {s.name}
        </Title>
        <Badge variant="default" tt="none">
          {s.target === 'person' ? 'people' : 'accounts'}
        </Badge>
        {s.predefined && (
          <Badge variant="default" tt="none">
            predefined
          </Badge>
        )}
      </Group>
      <Text c="dimmed" size="sm">
        {s.members.toLocaleString('en')} members now · version {s.version ?? '(building)'}
      </Text>
      {fields.isError && (
        <ErrorState title="Could not load the workspace's fields" error={fields.error} onRetry={() => void fields.refetch()} />
      )}
      <SegmentForm mode="edit" fields={fields.data} segment={s} />
      <VersionHistory segmentKey={s.key} polling={s.building !== null} />
    </Stack>
  );
}
