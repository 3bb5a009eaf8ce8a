import { Anchor, Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../shell/PageState';
import { useCan } from '../settings/permissions';
import { SentimentCorrection } from './SentimentCorrection';
import { SuggestionList, SuggestionsToggle } from './SuggestedResponses';
import { TicketDecision } from './TicketDecision';
import { showTime } from './format';
import type { Customer } from './customer';

const pageSize = 10;
const sentimentColor: Record<string, string> = { negative: 'red', neutral: 'gray', positive: 'green' };

function fetchTickets(customer: Customer, cursor: string | undefined) {
  const query = { limit: pageSize, ...(cursor ? { cursor } : {}) };
  return customer.kind === 'person'
    ? unwrap(api.GET('/api/v1/people/{userId}/tickets', { params: { path: { userId: customer.id }, query } }))
    : unwrap(api.GET('/api/v1/accounts/{groupId}/tickets', { params: { path: { groupId: customer.id }, query } }));
}

/** The customer's tickets, newest first, with the sentiment, language and topics of their words; agents correct the sentiment. */
export function Tickets({ customer }: { customer: Customer }) {
  const can = useCan();
  // The ticket whose suggested responses are open: one at a time, in a row below it.
  const [suggesting, setSuggesting] = useState<string | undefined>();
  const tickets = useInfiniteQuery({
    queryKey: [customer.kind, customer.id, 'tickets'],
    queryFn: ({ pageParam }) => fetchTickets(customer, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  if (tickets.isPending) return <Text c="dimmed">Loading tickets…</Text>;
  if (tickets.isError)
    return <ErrorState title="Could not load the tickets" error={tickets.error} onRetry={() => void tickets.refetch()} />;
  const items = tickets.data.pages.flatMap((p) => p.items);
  if (items.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No tickets. They come from a connected help desk (Zendesk, Freshdesk, Intercom) or <Code>POST /api/v1/tickets</Code>.
      </Text>
    );
  return (
    <>
      <Table aria-label="Tickets" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Opened</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Sentiment</Table.Th>
            <Table.Th>Language</Table.Th>
            <Table.Th>Topics</Table.Th>
            <Table.Th>Policy</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((t) => (
            <Fragment key={t.id}>
              <Table.Tr>
                <Table.Td>
                  <Text size="sm" className="nowrap">
                    {showTime(t.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/tickets/${t.id}`} size="sm">
                    {t.subject ?? '(no subject)'}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {[t.source, t.externalId, t.priority, t.channel].filter(Boolean).join(' · ')}
                  </Text>
                  {t.open && (
                    <SuggestionsToggle
                      name={t.subject ?? 'this ticket'}
                      open={suggesting === t.id}
                      onToggle={() => setSuggesting((current) => (current === t.id ? undefined : t.id))}
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge size="sm" variant={t.open ? 'light' : 'default'}>
                      {t.status ?? (t.open ? 'open' : 'solved')}
                    </Badge>
                    {t.csat !== null && <Text size="xs">CSAT {t.csat}</Text>}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Stack gap={2} align="flex-start">
                    {t.sentiment ? (
                      <Group gap={4} wrap="nowrap">
                        <Badge size="sm" variant="light" color={sentimentColor[t.sentiment.label] ?? 'gray'}>
                          {t.sentiment.label}
                        </Badge>
                        <Text size="xs" className="nowrap">
                          {t.sentimentCorrected ? 'set by an agent' : t.sentiment.score.toFixed(2)}
                        </Text>
                      </Group>
                    ) : (
                      <Text size="sm">{t.languageSupported ? '—' : 'language not supported'}</Text>
                    )}
                    {can('tickets:write') && t.sentiment && (
                      <SentimentCorrection ticketId={t.id} subject={t.subject} current={t.sentiment.label} customer={customer} />
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t.language ?? '—'}</Text>
                  {t.language !== null && (
                    <Text size="xs" c="dimmed">
                      {t.languageSource === 'text' || t.languageSource === null
                        ? `${Math.round((t.languageConfidence ?? 0) * 100)}% sure`
                        : `from the ${t.languageSource}'s language`}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {t.topics.length === 0 ? (
                      <Text size="sm">—</Text>
                    ) : (
                      t.topics.map((topic) => (
                        <Badge key={topic} size="sm" variant="default">
                          {topic}
                        </Badge>
                      ))
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <TicketDecision ticketId={t.id} subject={t.subject} />
                </Table.Td>
              </Table.Tr>
              {suggesting === t.id && (
                <Table.Tr>
                  <Table.Td colSpan={7}>
                    <SuggestionList ticketId={t.id} name={t.subject ?? 'this ticket'} />
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
      {tickets.hasNextPage && (
        <Button variant="default" size="xs" loading={tickets.isFetchingNextPage} onClick={() => void tickets.fetchNextPage()}>
          Show older tickets
        </Button>
      )}
    </>
  );
}
