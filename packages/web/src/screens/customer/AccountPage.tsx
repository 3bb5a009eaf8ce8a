import { Anchor, Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import { AccountHealth } from './AccountHealth';
import { ChurnRisk } from './ChurnRisk';
import { LifecycleStage } from './LifecycleStage';
import { billingKeys, showTime, showValue } from './format';
import { Section } from './Section';
import { Segments } from './Segments';
import { Surveys } from './Surveys';
import { Tickets } from './Tickets';
import { Timeline } from './Timeline';
import { TraitsTable } from './TraitsTable';

/** /accounts/:groupId: one account's traits, billing, people, health, segments, events, tickets and survey answers. */
export function AccountPage() {
  const { groupId = '' } = useParams();
  const account = useQuery({
    queryKey: ['account', groupId],
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{groupId}', { params: { path: { groupId } } })),
  });
  if (account.isPending) return <Loading label={`Loading ${groupId}…`} />;
  if (account.isError) {
    if (account.error instanceof ApiError && account.error.status === 404)
      return (
        <EmptyState title={`No account “${groupId}”`}>
          No account with this group id in this workspace. Search by name or domain in the box at the top.
        </EmptyState>
      );
    return <ErrorState title={`Could not load ${groupId}`} error={account.error} onRetry={() => void account.refetch()} />;
  }
  const a = account.data;
  const customer = { kind: 'account' as const, id: groupId };
  const name = typeof a.traits['name'] === 'string' ? a.traits['name'] : groupId;
  const billing = Object.fromEntries(billingKeys.filter((k) => k in a.traits).map((k) => [k, a.traits[k]]));
  return (
    <Stack gap="md">
      <div>
        <Group gap="sm">
          <Title order={1} size="h2">
            {name}
          </Title>
          <Badge variant="default">account</Badge>
          <LifecycleStage groupId={groupId} />
        </Group>
        <Text size="sm" c="dimmed">
          <Code>{groupId}</Code>
          {typeof a.traits['domain'] === 'string' && ` · ${a.traits['domain']}`} · created {showTime(a.createdAt)} · {a.people.length}{' '}
          {a.people.length === 1 ? 'person' : 'people'}
        </Text>
      </div>
      <div className="customer-columns">
        <Stack gap="md">
          <Section title="Billing" id="account-billing">
            {Object.keys(billing).length === 0 ? (
              <Text c="dimmed" size="sm">
                No billing traits. Connect Stripe (Settings, or <Code>PUT /api/v1/integrations/stripe</Code>) to keep plan, MRR and
                subscription status here.
              </Text>
            ) : (
              <TraitsTable label="Billing traits" traits={billing} />
            )}
          </Section>
          <Section title="Traits" id="account-traits">
            <TraitsTable label="Traits" traits={a.traits} omit={billingKeys} />
          </Section>
          <Section title="People" id="account-people">
            {a.people.length === 0 ? (
              <Text c="dimmed" size="sm">
                No one in this account yet: a <Code>group</Code> call with a userId and this groupId adds them.
              </Text>
            ) : (
              <Table aria-label="People" verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Person</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {a.people.map((p, index) => (
                    <Table.Tr key={p.userId ?? `anonymous-${index}`}>
                      <Table.Td>
                        {p.userId ? (
                          <Anchor component={Link} to={`/people/${encodeURIComponent(p.userId)}`} size="sm">
                            {typeof p.traits['name'] === 'string' ? p.traits['name'] : p.userId}
                          </Anchor>
                        ) : (
                          <Text size="sm">anonymous</Text>
                        )}
                      </Table.Td>
                      <Table.Td className="wrap-anywhere">{showValue(p.traits['email'])}</Table.Td>
                      <Table.Td>{showValue(p.membership['role'] ?? p.traits['title'])}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Section>
        </Stack>
        <Stack gap="md">
          <Section title="Health" id="account-health">
            <AccountHealth groupId={groupId} />
          </Section>
          <Section title="Churn risk" id="account-churn-risk">
            <ChurnRisk groupId={groupId} />
          </Section>
          <Section title="Segments" id="account-segments">
            <Segments customer={customer} />
          </Section>
          <Section title="Tickets" id="account-tickets">
            <Tickets customer={customer} />
          </Section>
          <Section title="Survey answers" id="account-surveys">
            <Surveys customer={customer} />
          </Section>
        </Stack>
      </div>
      <Section title="Timeline" id="account-timeline">
        <Timeline customer={customer} />
      </Section>
    </Stack>
  );
}
