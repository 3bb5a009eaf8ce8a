import { Anchor, Badge, Button, Code, Group, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../shell/PageState';
import { showTime, showValue } from './format';
import type { Customer } from './customer';

const pageSize = 25;

function fetchEvents(customer: Customer, cursor: string | undefined) {
  const query = { limit: pageSize, ...(cursor ? { cursor } : {}) };
  return customer.kind === 'person'
    ? unwrap(api.GET('/api/v1/people/{userId}/events', { params: { path: { userId: customer.id }, query } }))
    : unwrap(api.GET('/api/v1/accounts/{groupId}/events', { params: { path: { groupId: customer.id }, query } }));
}

/** The customer's events, newest first, a page at a time. */
export function Timeline({ customer }: { customer: Customer }) {
  const events = useInfiniteQuery({
    queryKey: [customer.kind, customer.id, 'events'],
    queryFn: ({ pageParam }) => fetchEvents(customer, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  if (events.isPending) return <Text c="dimmed">Loading events…</Text>;
  if (events.isError) return <ErrorState title="Could not load the events" error={events.error} onRetry={() => void events.refetch()} />;
  const items = events.data.pages.flatMap((p) => p.items);
  if (items.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No events yet. Send them with <Code>POST /v1/track</Code> (or a Segment or RudderStack source) naming this{' '}
        {customer.kind === 'person' ? 'userId' : 'groupId'}.
      </Text>
    );
  return (
    <>
      <Table aria-label="Timeline" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>{customer.kind === 'person' ? 'Account' : 'Person'}</Table.Th>
            <Table.Th>Properties</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((e, index) => (
            <Table.Tr key={`${e.timestamp}-${index}`}>
              <Table.Td>
                <Text size="sm" className="nowrap">
                  {showTime(e.timestamp)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Text size="sm" fw={500}>
                    {e.name}
                  </Text>
                  {e.type !== 'track' && (
                    <Badge size="xs" variant="default">
                      {e.type}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Other kind={customer.kind} userId={e.userId} groupId={e.groupId} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" className="wrap-anywhere">
                  {Object.entries(e.properties)
                    .map(([k, v]) => `${k}: ${showValue(v)}`)
                    .join(' · ')}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {events.hasNextPage && (
        <Button variant="default" size="xs" loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
          Show older events
        </Button>
      )}
    </>
  );
}

function Other({ kind, userId, groupId }: { kind: Customer['kind']; userId: string | null; groupId: string | null }) {
  const id = kind === 'person' ? groupId : userId;
  if (!id) return <Text size="sm">—</Text>;
  return (
    <Anchor component={Link} size="sm" to={kind === 'person' ? `/accounts/${encodeURIComponent(id)}` : `/people/${encodeURIComponent(id)}`}>
      {id}
    </Anchor>
  );
}
