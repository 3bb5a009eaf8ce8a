import { Anchor, Badge, Code, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';

/**
 * /customers?q=: the header search. People whose user id, email or name starts with q, and
 * accounts whose group id, name or domain does, each opening its customer 360 page.
 */
export function CustomersPage() {
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const found = useQuery({
    queryKey: ['customers', 'search', q],
    enabled: q !== '',
    queryFn: () => unwrap(api.GET('/api/v1/customers/search', { params: { query: { q, limit: 20 } } })),
  });
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Customers
      </Title>
      {q === '' ? (
        <EmptyState title="Find a customer">
          Type the start of a user id, email or name, or of an account's id, name or domain, in the search box at the top, then press Enter.
        </EmptyState>
      ) : found.isPending ? (
        <Loading label={`Searching for “${q}”…`} />
      ) : found.isError ? (
        <ErrorState title="The search failed" error={found.error} onRetry={() => void found.refetch()} />
      ) : found.data.items.length === 0 ? (
        <EmptyState title={`No customer matches “${q}”`}>
          Search matches the start of a user id (such as <Code>usr_0000042</Code>), an email, a name, an account id, an account name or a
          domain. Check the spelling, or search for less.
        </EmptyState>
      ) : (
        <Table aria-label="Customers found" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Id</Table.Th>
              <Table.Th>Email or domain</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {found.data.items.map((hit) => (
              <Table.Tr key={`${hit.kind}:${hit.id}`}>
                <Table.Td>
                  <Badge variant="default">{hit.kind}</Badge>
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/${hit.kind === 'person' ? 'people' : 'accounts'}/${encodeURIComponent(hit.id)}`}>
                    {hit.name ?? hit.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Code>{hit.id}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{hit.email ?? hit.domain ?? '—'}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
