import { Anchor, Badge, Button, Checkbox, Group, NativeSelect, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import { Agents } from './Agents';
import { SlaCountdown } from './SlaCountdown';

const pageSize = 25;
/** Segment badges shown per customer; the rest are counted (and listed in the tooltip). */
const shownSegments = 4;
// Scores move as SLA clocks run: the list follows on its own.
const refetchInterval = 30_000;
// Words in each colour's darkest shade, none of them orange: light badges and orange.9 fail WCAG contrast.
const priorityColor: Record<string, string> = { urgent: 'red', high: 'violet', normal: 'blue', low: 'gray' };
const sentimentColor: Record<string, string> = { negative: 'red', neutral: 'gray', positive: 'green' };
const termName: Record<string, string> = {
  priority: 'Priority',
  sla: 'SLA time left',
  churnRisk: 'Churn risk',
  value: 'Account value',
  sentiment: 'Sentiment',
};

/** /queue: open tickets, most urgent first, for a queue or for the signed-in agent; and the agents' status. */
export function TriagePage() {
  const me = useSession().data?.user?.email;
  const [queue, setQueue] = useState('');
  const [mine, setMine] = useState(false);
  const queues = useQuery({ queryKey: ['queues'], queryFn: () => unwrap(api.GET('/api/v1/queues')) });
  const filter = { ...(queue ? { queue } : {}), ...(mine && me ? { agent: me } : {}) };
  const triage = useInfiniteQuery({
    queryKey: ['triage', filter],
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/triage', { params: { query: { ...filter, limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval,
  });
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Queue
      </Title>
      <Text size="sm" c="dimmed">
        Open tickets, most urgent first: one score from the priority the support policies give, the SLA time left, and the customer&apos;s
        churn risk, value and sentiment. Hover a score for its parts; the weights are a workspace setting.
      </Text>
      <Group gap="md" align="flex-end">
        <NativeSelect
          label="Queue"
          value={queue}
          onChange={(e) => setQueue(e.currentTarget.value)}
          data={[{ value: '', label: 'All open tickets' }, ...(queues.data ?? []).map((q) => ({ value: q.key, label: q.name }))]}
        />
        {me && <Checkbox label="Assigned to me" checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} />}
      </Group>
      <Paper withBorder p="md" component="section" aria-labelledby="triage-title">
        <Title order={2} size="h4" id="triage-title" mb="sm">
          Tickets
        </Title>
        {triage.isPending ? (
          <Loading label="Loading the queue…" />
        ) : triage.isError ? (
          <ErrorState title="The queue could not be loaded" error={triage.error} onRetry={() => void triage.refetch()} />
        ) : triage.data.pages[0]!.items.length === 0 ? (
          <EmptyState title="Nothing waiting">No open tickets here. New ones arrive from a help desk or POST /api/v1/tickets.</EmptyState>
        ) : (
          <>
            <Table aria-label="Open tickets by urgency" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Score</Table.Th>
                  <Table.Th scope="col">Ticket</Table.Th>
                  <Table.Th scope="col">Priority</Table.Th>
                  <Table.Th scope="col">SLA</Table.Th>
                  <Table.Th scope="col">Customer</Table.Th>
                  <Table.Th scope="col">Sentiment</Table.Th>
                  <Table.Th scope="col">Assignee</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {triage.data.pages
                  .flatMap((p) => p.items)
                  .map((t) => (
                    <Table.Tr key={t.id}>
                      <Table.Td>
                        <Tooltip
                          multiline
                          w={260}
                          label={t.why
                            .filter((p) => p.weight > 0)
                            .map((p) => `${termName[p.term] ?? p.term}: ${p.points} points`)
                            .join(' · ')}
                        >
                          <Text fw={700} tabIndex={0} aria-label={`Score ${t.score}`}>
                            {t.score.toFixed(1)}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/tickets/${t.id}`} size="sm">
                          {t.subject ?? '(no subject)'}
                        </Anchor>
                        <Text size="xs" c="gray.7">
                          {[t.queue && `queue ${t.queue}`, t.language].filter(Boolean).join(' · ')}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {t.priority ? (
                          <Text size="sm" fw={700} tt="uppercase" c={`${priorityColor[t.priority] ?? 'gray'}.9`}>
                            {t.priority}
                          </Text>
                        ) : (
                          <Text size="sm" c="gray.7">
                            none
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {t.sla ? (
                          <SlaCountdown dueAt={t.sla.dueAt} milestone={t.sla.milestone} />
                        ) : (
                          <Text size="sm" c="gray.7">
                            no SLA
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={0}>
                          {t.customer.userId && (
                            <Anchor component={Link} to={`/people/${encodeURIComponent(t.customer.userId)}`} size="sm">
                              {t.customer.userId}
                            </Anchor>
                          )}
                          {t.customer.groupId && (
                            <Anchor component={Link} to={`/accounts/${encodeURIComponent(t.customer.groupId)}`} size="xs" c="gray.7">
                              {t.customer.accountName ?? t.customer.groupId}
                              {t.customer.churnRisk !== null && ` · churn risk ${Math.round(t.customer.churnRisk * 100)}%`}
                            </Anchor>
                          )}
                          {t.customer.segments.length > 0 && (
                            <Group gap={2} mt={2} title={t.customer.segments.join(', ')}>
                              {t.customer.segments.slice(0, shownSegments).map((key) => (
                                <Badge key={key} size="xs" variant="default">
                                  {key}
                                </Badge>
                              ))}
                              {t.customer.segments.length > shownSegments && (
                                <Text size="xs">{`+${t.customer.segments.length - shownSegments}`}</Text>
                              )}
                            </Group>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        {t.sentiment ? (
                          <Text size="sm" fw={600} c={`${sentimentColor[t.sentiment] ?? 'gray'}.9`}>
                            {t.sentiment}
                          </Text>
                        ) : (
                          <Text size="sm" c="gray.7">
                            unknown
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{t.assignee ?? 'unassigned'}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
            {triage.hasNextPage && (
              <Button variant="light" mt="sm" loading={triage.isFetchingNextPage} onClick={() => void triage.fetchNextPage()}>
                Show more
              </Button>
            )}
          </>
        )}
      </Paper>
      <Agents />
    </Stack>
  );
}
