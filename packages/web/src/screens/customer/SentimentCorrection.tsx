import { Button, Menu } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import type { Customer } from './customer';

const labels = ['negative', 'neutral', 'positive'] as const;

/** An agent's correction of a ticket's sentiment: it sets the label and teaches the workspace's model. */
export function SentimentCorrection({
  ticketId,
  subject,
  current,
  customer,
}: {
  ticketId: string;
  subject: string | null;
  current: string;
  customer: Customer;
}) {
  const client = useQueryClient();
  const correct = useMutation({
    mutationFn: (label: (typeof labels)[number]) =>
      unwrap(api.PUT('/api/v1/tickets/{id}/sentiment', { params: { path: { id: ticketId } }, body: { label } })),
    onSuccess: (ticket) => {
      void client.invalidateQueries({ queryKey: [customer.kind, customer.id, 'tickets'] });
      notify({
        color: 'teal',
        title: 'Sentiment corrected',
        message: `Set to ${ticket.sentiment?.label ?? '—'}; the next training run learns from it.`,
      });
    },
    onError: (error) => notify({ color: 'red', title: 'The sentiment was not corrected', message: error.message }),
  });
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          variant="subtle"
          size="compact-xs"
          loading={correct.isPending}
          aria-label={`Correct sentiment of ${subject ?? 'this ticket'}`}
        >
          Correct sentiment
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>The customer sounds…</Menu.Label>
        {labels.map((label) => (
          <Menu.Item key={label} disabled={label === current} onClick={() => correct.mutate(label)}>
            {label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
