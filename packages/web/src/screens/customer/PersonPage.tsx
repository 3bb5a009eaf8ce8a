import { Anchor, Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import { showTime, showValue } from './format';
import { Section } from './Section';
import { Segments } from './Segments';
import { Surveys } from './Surveys';
import { Tickets } from './Tickets';
import { Timeline } from './Timeline';
import { TraitsTable } from './TraitsTable';

/** /people/:userId: one person's traits, accounts, segments, events, tickets and survey answers. */
export function PersonPage() {
  const { userId = '' } = useParams();
  const person = useQuery({
    queryKey: ['person', userId],
    // Events come paged from their own route (the timeline).
    queryFn: () => unwrap(api.GET('/api/v1/people/{userId}', { params: { path: { userId }, query: { events: 0 } } })),
  });
  if (person.isPending) return <Loading label={`Loading ${userId}…`} />;
  if (person.isError) {
    if (person.error instanceof ApiError && person.error.status === 404)
      return (
        <EmptyState title={`No person “${userId}”`}>
          No one with this user id has been identified in this workspace. Search by email or name in the box at the top.
        </EmptyState>
      );
    return <ErrorState title={`Could not load ${userId}`} error={person.error} onRetry={() => void person.refetch()} />;
  }
  const p = person.data;
  const customer = { kind: 'person' as const, id: userId };
  const name = typeof p.traits['name'] === 'string' ? p.traits['name'] : userId;
  return (
    <Stack gap="md">
      <div>
        <Group gap="sm">
          <Title order={1} size="h2">
            {name}
          </Title>
          <Badge variant="default">person</Badge>
        </Group>
        <Text size="sm" c="dimmed">
          <Code>{userId}</Code>
          {typeof p.traits['email'] === 'string' && ` · ${p.traits['email']}`} · first seen {showTime(p.firstSeenAt)} · last seen{' '}
          {showTime(p.lastSeenAt)}
        </Text>
      </div>
      <div className="customer-columns">
        <Stack gap="md">
          <Section title="Traits" id="person-traits">
            <TraitsTable label="Traits" traits={p.traits} />
            {p.anonymousIds.length > 0 && (
              <Text size="xs" c="dimmed">
                Also known as {p.anonymousIds.join(', ')}
              </Text>
            )}
          </Section>
          <Section title="Accounts and billing" id="person-accounts">
            {p.accounts.length === 0 ? (
              <Text c="dimmed" size="sm">
                In no account yet: a <Code>group</Code> call with this userId adds one.
              </Text>
            ) : (
              <Table aria-label="Accounts" verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Account</Table.Th>
                    <Table.Th>Plan</Table.Th>
                    <Table.Th>MRR</Table.Th>
                    <Table.Th>Subscription</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.accounts.map((a) => (
                    <Table.Tr key={a.groupId}>
                      <Table.Td>
                        <Anchor component={Link} to={`/accounts/${encodeURIComponent(a.groupId)}`} size="sm">
                          {typeof a.traits['name'] === 'string' ? a.traits['name'] : a.groupId}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{showValue(a.traits['plan'])}</Table.Td>
                      <Table.Td>{showValue(a.traits['mrr'])}</Table.Td>
                      <Table.Td>{showValue(a.traits['subscription_status'] ?? a.traits['status'])}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Section>
        </Stack>
        <Stack gap="md">
          <Section title="Segments" id="person-segments">
            <Segments customer={customer} />
          </Section>
          <Section title="Tickets" id="person-tickets">
            <Tickets customer={customer} />
          </Section>
          <Section title="Survey answers" id="person-surveys">
            <Surveys customer={customer} />
          </Section>
        </Stack>
      </div>
      <Section title="Timeline" id="person-timeline">
        <Timeline customer={customer} />
      </Section>
    </Stack>
  );
}
