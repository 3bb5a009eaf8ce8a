import { Badge, Card, Group, List, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useEffect, useState } from 'react';
import { causeText } from './causes';

interface LiveChange {
  cursor: string;
  id: string;
  change: 'enter' | 'exit';
  at: string;
  cause: Record<string, unknown>;
}

const kept = 50;

/**
 * Enters and exits as they happen, from the segment's server-sent events (streamSegmentChanges):
 * newest first, the last 50. EventSource reconnects by itself and resumes from the last id it saw.
 */
export function LiveFeed(props: { segmentKey: string; onSelect: (id: string) => void }) {
  const [changes, setChanges] = useState<LiveChange[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  useEffect(() => {
    setChanges([]);
    setState('connecting');
    const source = new EventSource(`/api/v1/segments/${encodeURIComponent(props.segmentKey)}/stream`);
    source.onopen = () => setState('live');
    source.onerror = () => setState('reconnecting');
    source.addEventListener('change', (event: MessageEvent<string>) => {
      const data = JSON.parse(event.data) as Omit<LiveChange, 'cursor'>;
      setChanges((previous) => [{ ...data, cursor: event.lastEventId }, ...previous].slice(0, kept));
    });
    return () => source.close();
  }, [props.segmentKey]);

  return (
    <Card withBorder component="section" aria-label="Live feed">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4">
            Live feed
          </Title>
          <Badge variant="dot" color={state === 'live' ? 'green' : state === 'connecting' ? 'gray' : 'orange'} tt="none">
            {state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'reconnecting…'}
          </Badge>
        </Group>
        <div aria-live="polite">
          {changes.length === 0 ? (
            <Text size="sm" c="dimmed">
              No enters or exits since you opened this page. They appear here as events and traits arrive (through /v1/track, /v1/identify
              or an integration) or as time windows move.
            </Text>
          ) : (
            <List listStyleType="none" spacing="xs" aria-label="Enters and exits">
              {changes.map((c) => (
                <List.Item key={c.cursor}>
                  <Group gap="xs" wrap="nowrap">
                    <Badge color={c.change === 'enter' ? 'green' : 'gray'} variant="dot" miw={80} tt="none">
                      {c.change === 'enter' ? 'entered' : 'left'}
                    </Badge>
                    <UnstyledButton
                      ff="monospace"
                      fz="sm"
                      onClick={() => props.onSelect(c.id)}
                      aria-label={`Why did ${c.id} ${c.change === 'enter' ? 'enter' : 'leave'}?`}
                    >
                      {c.id}
                    </UnstyledButton>
                    <Text size="sm" c="dimmed">
                      {causeText(c.cause)} · {new Date(c.at).toLocaleTimeString('en')}
                    </Text>
                  </Group>
                </List.Item>
              ))}
            </List>
          )}
        </div>
      </Stack>
    </Card>
  );
}
