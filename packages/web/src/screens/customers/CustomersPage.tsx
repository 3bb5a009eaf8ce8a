import { Anchor, Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';

/** A lookup that found nothing (404) is an empty answer, not an error. */
async function orNothing<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/**
 * /customers?q=: the header search. Today it looks the text up as a person's user id and as an
 * account's group id; search by email, name or domain comes with the customer 360.
 */
export function CustomersPage() {
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const found = useQuery({
    queryKey: ['customers', 'lookup', q],
    enabled: q !== '',
    queryFn: async () => {
      const [person, account] = await Promise.all([
        orNothing(unwrap(api.GET('/api/v1/people/{userId}', { params: { path: { userId: q }, query: { events: 0 } } }))),
        orNothing(unwrap(api.GET('/api/v1/accounts/{groupId}', { params: { path: { groupId: q } } }))),
      ]);
      return { person, account };
    },
  });
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Customers
      </Title>
      {q === '' ? (
        <EmptyState title="Find a customer">Type a user id or an account id in the search box at the top, then press Enter.</EmptyState>
      ) : found.isPending ? (
        <Loading label={`Looking up “${q}”…`} />
      ) : found.isError ? (
        <ErrorState title="The lookup failed" error={found.error} onRetry={() => void found.refetch()} />
      ) : !found.data.person && !found.data.account ? (
        <EmptyState title={`No customer “${q}”`}>
          Search finds a person by their exact user id (such as <Code>u_42</Code>) or an account by its exact group id. Search by email,
          name or domain comes with the customer 360 page.
        </EmptyState>
      ) : (
        <Table aria-label="Customers found" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Id</Table.Th>
              <Table.Th>Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {found.data.person && (
              <Table.Tr>
                <Table.Td>
                  <Badge variant="default">person</Badge>
                </Table.Td>
                <Table.Td>
                  <Code>{q}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{describeTraits(found.data.person.traits)}</Text>
                </Table.Td>
              </Table.Tr>
            )}
            {found.data.account && (
              <Table.Tr>
                <Table.Td>
                  <Badge variant="default">account</Badge>
                </Table.Td>
                <Table.Td>
                  <Code>{found.data.account.groupId}</Code>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm">{describeTraits(found.data.account.traits)}</Text>
                    <Text size="sm" c="dimmed">
                      {found.data.account.people.length} people
                    </Text>
                  </Group>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      )}
      {q !== '' && (
        <Anchor href="/api/docs" size="sm">
          The API reference lists every lookup
        </Anchor>
      )}
    </Stack>
  );
}

function describeTraits(traits: Record<string, unknown>): string {
  const shown = ['name', 'email', 'plan', 'domain'].filter((k) => traits[k] !== undefined && traits[k] !== null);
  return shown.length ? shown.map((k) => `${k}: ${String(traits[k])}`).join(' · ') : `${Object.keys(traits).length} traits`;
}
