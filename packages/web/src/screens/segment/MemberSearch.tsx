import { Anchor, Badge, Button, Group, List, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../shell/PageState';

type Target = 'person' | 'account';
const customerPath = (target: Target, id: string) => `/${target === 'person' ? 'people' : 'accounts'}/${encodeURIComponent(id)}`;

/**
 * "Find a member by id or email": customers of the segment's target whose id, email or name
 * (accounts: id, name or domain) starts with what was typed, each with whether they are a member
 * (GET /segments/{key}/members/search). A member who is clearly the one meant (the only hit, or
 * an exact id or email) opens at once in "why is X in"; anyone else is listed, a non-member with a
 * link to their page and the explanation of why not.
 */
export function MemberSearch(props: { segmentKey: string; target: Target; onSelect: (id: string) => void }) {
  const { segmentKey, target, onSelect } = props;
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['segments', segmentKey, 'member-search', q],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}/members/search', { params: { path: { key: segmentKey }, query: { q } } })),
    enabled: q !== '',
  });
  const hits = search.data?.items ?? [];
  const first = hits[0];
  const meant =
    first && (hits.length === 1 || [first.id, first.email].some((v) => v !== null && v.toLowerCase() === q.toLowerCase()))
      ? first
      : undefined;
  useEffect(() => {
    if (meant?.member) onSelect(meant.id);
    // Once per answer: picking another member afterwards must not be undone.
  }, [search.data]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQ(text.trim());
  };
  const what = target === 'person' ? 'id, email or name' : 'id, name or domain';
  return (
    <Stack gap={4} className="member-lookup">
      <form onSubmit={submit}>
        <Group align="flex-end" gap="xs">
          <TextInput
            label={target === 'person' ? 'Find a member by id or email' : 'Find a member by id, name or domain'}
            description={`Start of an ${what}; is this customer in or out, and why`}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            w={300}
          />
          <Button type="submit" variant="default" loading={search.isFetching}>
            Find
          </Button>
        </Group>
      </form>
      {q !== '' && (
        <div role="status" aria-label="Search result">
          {search.isError ? (
            <ErrorState title="The search failed" error={search.error} />
          ) : search.isPending ? null : hits.length === 0 ? (
            <Text size="sm">
              No {target === 'person' ? 'person' : 'account'} whose {what} starts with &ldquo;{q}&rdquo; in this workspace.
            </Text>
          ) : (
            <List listStyleType="none" spacing={4} size="sm">
              {hits.map((hit) => {
                const label = [hit.email ?? hit.domain, hit.name].filter(Boolean).join(' · ');
                return (
                  <List.Item key={hit.id}>
                    <Group gap="xs" wrap="wrap">
                      <Text size="sm" ff="monospace">
                        {hit.id}
                      </Text>
                      {label && (
                        <Text size="sm" c="dimmed">
                          {label}
                        </Text>
                      )}
                      {hit.member ? (
                        <Badge color="green" variant="light" tt="none">
                          member since {new Date(hit.enteredAt!).toLocaleDateString('en')}
                        </Badge>
                      ) : (
                        <Text size="sm" fw={600}>
                          is not a member of {segmentKey}
                        </Text>
                      )}
                      {!hit.member && (
                        <Anchor component={Link} to={customerPath(target, hit.id)} size="sm">
                          Open {hit.id}&apos;s page
                        </Anchor>
                      )}
                      <Button size="compact-xs" variant="subtle" onClick={() => onSelect(hit.id)}>
                        {hit.member ? `Why is ${hit.id} in?` : `Why is ${hit.id} out?`}
                      </Button>
                    </Group>
                  </List.Item>
                );
              })}
            </List>
          )}
        </div>
      )}
    </Stack>
  );
}
