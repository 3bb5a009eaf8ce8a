import { Anchor, Badge, Button, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';

/** /segments/:key: the segment's rule and size; members, history and the live feed slot in here next. */
export function SegmentPage() {
  const { key = '' } = useParams();
  const segment = useQuery({
    queryKey: ['segments', key],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}', { params: { path: { key } } })),
  });
  if (segment.isPending) return <Loading label={`Loading segment ${key}…`} />;
  if (segment.isError)
    return <ErrorState title={`Could not load segment ${key}`} error={segment.error} onRetry={() => void segment.refetch()} />;
  const s = segment.data;
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/segments" size="sm">
        ← All segments
      </Anchor>
      <Group gap="sm">
        <Title order={1} size="h2">
          {s.name}
        </Title>
        <Code>{s.key}</Code>
        {s.predefined && (
          <Badge variant="default" tt="none">
            predefined
          </Badge>
        )}
        <Button component={Link} to={`/segments/${encodeURIComponent(s.key)}/edit`} variant="default" size="xs">
          Edit
        </Button>
      </Group>
      {s.description && <Text>{s.description}</Text>}
      <Text>
        {s.members.toLocaleString('en')} {s.target === 'person' ? 'people' : 'accounts'} · version {s.version ?? '(building)'}
      </Text>
      <Title order={2} size="h4">
        Rule
      </Title>
      <Code block>{s.rule}</Code>
      <Text c="dimmed" size="sm">
        Members, size over time and the live feed of enters and exits come with the next part of the web UI; the API has them at{' '}
        <Code>GET /api/v1/segments/{s.key}/members</Code>.
      </Text>
    </Stack>
  );
}
