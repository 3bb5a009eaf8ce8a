import { Badge, Button, List, Popover, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { showTime } from './format';

/** What the support policies decided for a ticket: priority, queue, SLA due times, the policies behind them, and every earlier decision with its cause. */
export function TicketDecision({ ticketId, subject }: { ticketId: string; subject: string | null }) {
  return (
    <Popover width={420} position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <Button variant="subtle" size="compact-xs" aria-label={`Decision on ${subject ?? 'the ticket'}`}>
          Decision
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <DecisionDetails ticketId={ticketId} />
      </Popover.Dropdown>
    </Popover>
  );
}

/** The decision now and every earlier one, newest first: the popover's body, and a section of the ticket page. */
export function DecisionDetails({ ticketId, refreshMs }: { ticketId: string; refreshMs?: number }) {
  const path = { params: { path: { id: ticketId } } };
  // On the ticket page the decision is read again every few seconds: segments change while it is open.
  const refetchInterval = refreshMs ?? false;
  const ticket = useQuery({
    queryKey: ['ticket', ticketId],
    queryFn: () => unwrap(api.GET('/api/v1/tickets/{id}', path)),
    refetchInterval,
  });
  const history = useQuery({
    queryKey: ['ticket', ticketId, 'decisions'],
    queryFn: () => unwrap(api.GET('/api/v1/tickets/{id}/decisions', path)),
    refetchInterval,
  });
  if (ticket.isPending || history.isPending) return <Text size="sm">Loading the decision…</Text>;
  if (ticket.isError || history.isError) return <Text size="sm">The decision could not be loaded.</Text>;
  const policy = ticket.data.policy;
  if (!policy) return <Text size="sm">No support policy has decided this ticket yet.</Text>;
  const due = (label: string, at: string | null) => at && <Text size="sm">{`${label} due ${showTime(at)}`}</Text>;
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>
        {`Priority ${policy.priority ?? '—'} · queue ${policy.queue ?? '—'} · SLA ${policy.sla?.key ?? 'none'}`}
      </Text>
      {policy.sla && (
        <div>
          {due('First response', policy.sla.firstResponseDueAt)}
          {due('Next response', policy.sla.nextResponseDueAt)}
          {due('Resolution', policy.sla.resolutionDueAt)}
          {policy.sla.breached.map((b) => (
            <Badge key={b} color="red" variant="light" size="sm" mr={4}>
              {`${b} missed`}
            </Badge>
          ))}
        </div>
      )}
      <Text size="xs" c="dimmed">
        {policy.matched.length === 0
          ? 'No policy matched.'
          : `From ${policy.matched.map((m) => `${m.policy} (${m.attribute})`).join(', ')}`}
      </Text>
      <Text size="sm" fw={500}>
        Decisions, newest first
      </Text>
      <List size="xs" aria-label="Decisions">
        {history.data.map((d, i) => (
          <List.Item
            key={i}
          >{`${showTime(d.decidedAt)} · ${d.cause} · priority ${d.priority ?? '—'}, SLA ${d.sla?.key ?? 'none'}`}</List.Item>
        ))}
      </List>
    </Stack>
  );
}
