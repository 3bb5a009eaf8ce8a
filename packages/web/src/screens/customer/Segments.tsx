import { Anchor, Badge, Button, Code, Group, List, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { components } from '../../api/openapi';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../shell/PageState';
import { showTime, showValue } from './format';
import type { Customer } from './customer';

type Condition = components['schemas']['ExplainCondition'];

function fetchSegments(customer: Customer) {
  return customer.kind === 'person'
    ? unwrap(api.GET('/api/v1/people/{userId}/segments', { params: { path: { userId: customer.id } } }))
    : unwrap(api.GET('/api/v1/accounts/{groupId}/segments', { params: { path: { groupId: customer.id } } }));
}

/** The segments the customer is in, since when, and why (explain) on request. */
export function Segments({ customer }: { customer: Customer }) {
  const segments = useQuery({ queryKey: [customer.kind, customer.id, 'segments'], queryFn: () => fetchSegments(customer) });
  const [open, setOpen] = useState<string | null>(null);
  if (segments.isPending) return <Text c="dimmed">Loading segments…</Text>;
  if (segments.isError)
    return <ErrorState title="Could not load the segments" error={segments.error} onRetry={() => void segments.refetch()} />;
  if (segments.data.length === 0)
    return (
      <Text c="dimmed" size="sm">
        In no segment now.{' '}
        <Anchor component={Link} to="/segments">
          The segments list
        </Anchor>{' '}
        shows each rule; open one to see why someone is in it.
      </Text>
    );
  return (
    <Table aria-label="Segments" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Segment</Table.Th>
          <Table.Th>Entered</Table.Th>
          <Table.Th>Why</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {segments.data.map((s) => (
          <SegmentRow
            key={s.key}
            customer={customer}
            segmentKey={s.key}
            enteredAt={s.enteredAt}
            open={open === s.key}
            onToggle={() => setOpen(open === s.key ? null : s.key)}
          />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function SegmentRow(props: { customer: Customer; segmentKey: string; enteredAt: string; open: boolean; onToggle: () => void }) {
  const { customer, segmentKey, open } = props;
  const explainId = `explain-${segmentKey}`;
  return (
    <>
      <Table.Tr>
        <Table.Td>
          <Anchor component={Link} to={`/segments/${encodeURIComponent(segmentKey)}`} size="sm">
            {segmentKey}
          </Anchor>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{showTime(props.enteredAt)}</Text>
        </Table.Td>
        <Table.Td>
          <Button variant="subtle" size="compact-sm" aria-expanded={open} aria-controls={explainId} onClick={props.onToggle}>
            {open ? 'Hide why' : `Why in ${segmentKey}?`}
          </Button>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr id={explainId}>
          <Table.Td colSpan={3}>
            <Explain customer={customer} segmentKey={segmentKey} />
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

function Explain({ customer, segmentKey }: { customer: Customer; segmentKey: string }) {
  const explain = useQuery({
    queryKey: ['segments', segmentKey, 'explain', customer.id],
    queryFn: () => unwrap(api.GET('/api/v1/segments/{key}/explain', { params: { path: { key: segmentKey }, query: { id: customer.id } } })),
  });
  if (explain.isPending) return <Text c="dimmed">Checking each condition…</Text>;
  if (explain.isError) return <ErrorState title="Could not explain" error={explain.error} onRetry={() => void explain.refetch()} />;
  return (
    <Stack gap={4}>
      <Text size="sm">
        The rule says {explain.data.member ? 'in' : 'out'} now; the segment holds {explain.data.membership.member ? 'them' : 'them not'}
        {explain.data.membership.since ? ` since ${showTime(explain.data.membership.since)}` : ''}.
      </Text>
      <Conditions conditions={explain.data.conditions} />
    </Stack>
  );
}

function Conditions({ conditions }: { conditions: Condition[] }) {
  return (
    <List size="sm" spacing={2} listStyleType="none">
      {conditions.map((c, index) => (
        <List.Item key={index}>
          <Group gap={6} wrap="nowrap" align="flex-start">
            <Badge size="sm" color={c.holds ? 'green' : 'red'} variant="light">
              {c.holds ? 'holds' : 'fails'}
            </Badge>
            <Stack gap={0}>
              <Code>{c.text}</Code>
              <Text size="xs" c="dimmed">
                {c.summary}
                {c.actual !== undefined ? ` (value: ${showValue(c.actual)})` : ''}
                {c.needs ? ` · needs ${c.needs}` : ''}
              </Text>
              {c.conditions && <Conditions conditions={c.conditions} />}
            </Stack>
          </Group>
        </List.Item>
      ))}
    </List>
  );
}
