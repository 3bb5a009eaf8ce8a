import { List, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { showTime } from '../customer/format';

const outcomeColor: Record<string, string> = { synced: 'green.9', retrying: 'gray.7', failed: 'red.9' };

/** Each attempt to write the ticket's decision back to its help desk, so an agent sees a sync that failed and why. */
export function HelpDeskSync({ ticketId, source }: { ticketId: string; source: string }) {
  const sync = useQuery({
    queryKey: ['ticket', ticketId, 'sync'],
    queryFn: () => unwrap(api.GET('/api/v1/tickets/{id}/sync', { params: { path: { id: ticketId } } })),
  });
  if (sync.isPending) return <Text size="sm">Loading sync attempts…</Text>;
  if (sync.isError) return <Text size="sm">The sync attempts could not be loaded.</Text>;
  if (sync.data.items.length === 0) return <Text size="sm">{`Nothing has been written back to ${source} yet.`}</Text>;
  return (
    <>
      <Text size="sm" fw={600} c={outcomeColor[sync.data.state ?? ''] ?? 'gray.7'}>
        {`Last attempt: ${sync.data.state ?? 'none'}`}
      </Text>
      <List size="xs" aria-label="Sync attempts, oldest first">
        {sync.data.items.map((a, i) => (
          <List.Item key={i}>
            {`${showTime(a.attemptedAt)} · ${a.outcome}${a.httpStatus === null ? '' : ` (${a.httpStatus})`}${a.error ? `: ${a.error}` : ''}`}
          </List.Item>
        ))}
      </List>
    </>
  );
}
