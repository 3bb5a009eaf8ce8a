import { Anchor, Badge, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import { useCan } from '../settings/permissions';
import { showTime } from '../customer/format';
import { Section } from '../customer/Section';
import { SentimentCorrection } from '../customer/SentimentCorrection';
import { SuggestionList } from '../customer/SuggestedResponses';
import { DecisionDetails } from '../customer/TicketDecision';
import { SlaCountdown } from '../triage/SlaCountdown';
import { HelpDeskSync } from './HelpDeskSync';

/** How often the open page reads the ticket and its decisions again (a segment change re-decides it). */
const refreshMs = 5000;
const sentimentColor: Record<string, string> = { negative: 'red.9', neutral: 'gray.7', positive: 'green.9' };

/** /tickets/:id: one ticket as an agent works it: its messages, the policy decision and its causes over time, suggested responses, and where it was synced. */
export function TicketPage() {
  const { id = '' } = useParams();
  const can = useCan();
  const ticket = useQuery({
    queryKey: ['ticket', id],
    queryFn: () => unwrap(api.GET('/api/v1/tickets/{id}', { params: { path: { id } } })),
    refetchInterval: refreshMs,
  });
  if (ticket.isPending) return <Loading label="Loading the ticket…" />;
  if (ticket.isError) {
    if (ticket.error instanceof ApiError && ticket.error.status === 404)
      return <EmptyState title="No such ticket">No ticket with this id or external id is in this workspace.</EmptyState>;
    return <ErrorState title="Could not load the ticket" error={ticket.error} onRetry={() => void ticket.refetch()} />;
  }
  const t = ticket.data;
  const name = t.subject ?? '(no subject)';
  const sla = t.policy?.sla;
  const customer = t.userId
    ? { kind: 'person' as const, id: t.userId }
    : t.groupId
      ? { kind: 'account' as const, id: t.groupId }
      : undefined;
  return (
    <Stack gap="md">
      <div>
        <Group gap="sm">
          <Title order={1} size="h2">
            {name}
          </Title>
          <Badge variant={t.open ? 'filled' : 'default'}>{t.status ?? (t.open ? 'open' : 'solved')}</Badge>
        </Group>
        <Text size="sm" c="gray.7">
          {[t.source, t.externalId, t.channel, t.language].filter(Boolean).join(' · ')} · opened {showTime(t.createdAt)}
          {t.userId && (
            <>
              {' · from '}
              <Anchor component={Link} to={`/people/${encodeURIComponent(t.userId)}`} size="sm">
                {t.userId}
              </Anchor>
            </>
          )}
          {t.groupId && (
            <>
              {' of '}
              <Anchor component={Link} to={`/accounts/${encodeURIComponent(t.groupId)}`} size="sm">
                {t.groupId}
              </Anchor>
            </>
          )}
        </Text>
        <Group gap="md" mt={4}>
          <Text size="sm" fw={600}>{`Priority ${t.policy?.priority ?? t.priority ?? '—'}`}</Text>
          {t.policy?.queue && <Text size="sm">{`Queue ${t.policy.queue}`}</Text>}
          <Text size="sm">{`Assignee ${t.assignee ?? 'nobody'}`}</Text>
          {t.open && sla?.firstResponseDueAt && !t.firstResponseAt && (
            <SlaCountdown dueAt={sla.firstResponseDueAt} milestone="first-response" />
          )}
          {t.open && sla?.resolutionDueAt && <SlaCountdown dueAt={sla.resolutionDueAt} milestone="resolution" />}
        </Group>
      </div>
      <div className="customer-columns">
        <Stack gap="md">
          <Section title="Messages" id="ticket-messages">
            {t.messages.length === 0 ? (
              <Text size="sm">{t.description ?? 'No messages.'}</Text>
            ) : (
              <Stack gap="xs" component="ol" aria-label="Messages, oldest first" p={0} m={0} style={{ listStyle: 'none' }}>
                {t.messages.map((m) => (
                  <Paper key={m.id} component="li" withBorder p="xs">
                    <Group justify="space-between" mb={4}>
                      <Text size="sm" fw={600}>
                        {m.author === 'agent' ? (m.public ? 'Agent' : 'Agent, internal note') : 'Customer'}
                      </Text>
                      <Group gap={6}>
                        {m.sentiment && (
                          <Text size="xs" fw={600} c={sentimentColor[m.sentimentCorrection ?? m.sentiment.label] ?? 'gray.7'}>
                            {m.sentimentCorrection ?? m.sentiment.label}
                          </Text>
                        )}
                        <Text size="xs" c="gray.7">
                          {showTime(m.createdAt)}
                        </Text>
                      </Group>
                    </Group>
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {m.body}
                    </Text>
                  </Paper>
                ))}
              </Stack>
            )}
            {can('tickets:write') && t.sentiment && customer && (
              <SentimentCorrection ticketId={t.id} subject={t.subject} current={t.sentiment.label} customer={customer} />
            )}
          </Section>
          {t.open && (
            <Section title="Suggested responses" id="ticket-suggestions">
              <SuggestionList ticketId={t.id} name={name} />
            </Section>
          )}
        </Stack>
        <Stack gap="md">
          <Section title="Decision" id="ticket-decision">
            <DecisionDetails ticketId={t.id} refreshMs={refreshMs} />
          </Section>
          {t.source !== 'api' && (
            <Section title="Help-desk sync" id="ticket-sync">
              <HelpDeskSync ticketId={t.id} source={t.source} />
            </Section>
          )}
          <Text size="xs" c="gray.7">
            Ticket id <Code>{t.id}</Code>
          </Text>
        </Stack>
      </div>
    </Stack>
  );
}
