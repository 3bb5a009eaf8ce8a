import { Anchor, Badge, Button, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useCallback } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';
import { ExplainPanel } from './ExplainPanel';
import { LiveFeed } from './LiveFeed';
import { MembersTable } from './MembersTable';
import { SizeChart } from './SizeChart';

/**
 * /segments/:key?member=ID&asOf=YYYY-MM-DD: the rule and size, the members (now or as of a day),
 * why one of them is in or out, and the live feed of enters and exits. The chosen member and day
 * are in the URL, so a deep link opens the same view after a reload.
 */
export function SegmentPage() {
  const { key = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const member = params.get('member') ?? '';
  const asOf = params.get('asOf') ?? '';
  const setParam = useCallback(
    (name: string, value: string) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          if (value) next.set(name, value);
          else next.delete(name);
          return next;
        },
        { replace: name === 'asOf' },
      ),
    [setParams],
  );
  const selectMember = useCallback((id: string) => setParam('member', id), [setParam]);
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
      <SizeChart segmentKey={s.key} />
      <div className="segment-columns">
        <div>
          <MembersTable
            segmentKey={s.key}
            target={s.target}
            asOf={asOf}
            onAsOf={(day) => setParam('asOf', day)}
            selected={member}
            onSelect={selectMember}
          />
        </div>
        <div>
          <Stack gap="lg">
            <ExplainPanel segmentKey={s.key} target={s.target} id={member} onClose={() => setParam('member', '')} />
            <LiveFeed segmentKey={s.key} onSelect={selectMember} />
          </Stack>
        </div>
      </div>
    </Stack>
  );
}
