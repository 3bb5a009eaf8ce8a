import { Code, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../shell/PageState';
import { showTime } from './format';
import type { Customer } from './customer';

function fetchSurveys(customer: Customer) {
  const query = { limit: 20 };
  return customer.kind === 'person'
    ? unwrap(api.GET('/api/v1/people/{userId}/surveys', { params: { path: { userId: customer.id }, query } }))
    : unwrap(api.GET('/api/v1/accounts/{groupId}/surveys', { params: { path: { groupId: customer.id }, query } }));
}

/** The customer's survey answers (NPS, CSAT, CES), newest first. */
export function Surveys({ customer }: { customer: Customer }) {
  const surveys = useQuery({ queryKey: [customer.kind, customer.id, 'surveys'], queryFn: () => fetchSurveys(customer) });
  if (surveys.isPending) return <Text c="dimmed">Loading survey answers…</Text>;
  if (surveys.isError)
    return <ErrorState title="Could not load the survey answers" error={surveys.error} onRetry={() => void surveys.refetch()} />;
  if (surveys.data.items.length === 0)
    return (
      <Text c="dimmed" size="sm">
        No survey answers. Send a survey link (<Code>POST /api/v1/surveys/links</Code>) or record answers with{' '}
        <Code>POST /api/v1/surveys/responses</Code>.
      </Text>
    );
  return (
    <Table aria-label="Survey answers" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Answered</Table.Th>
          <Table.Th>Survey</Table.Th>
          <Table.Th>Score</Table.Th>
          <Table.Th>Comment</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {surveys.data.items.map((s) => (
          <Table.Tr key={s.id}>
            <Table.Td>
              <Text size="sm" className="nowrap">
                {showTime(s.submittedAt)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{(s.kind ?? 'survey').toUpperCase()}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{s.score ?? s.nps ?? s.csat ?? '—'}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{s.comment ?? '—'}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
