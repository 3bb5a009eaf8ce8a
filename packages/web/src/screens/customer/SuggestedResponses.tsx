import { Button, CopyButton, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorState } from '../../shell/PageState';

/** Opens and closes a ticket's suggested responses (shown in a row of their own below it). */
export function SuggestionsToggle({ name, open, onToggle }: { name: string; open: boolean; onToggle: () => void }) {
  const label = open ? 'Hide suggestions' : 'Suggestions';
  return (
    <Button size="compact-xs" variant="subtle" onClick={onToggle} aria-expanded={open} aria-label={`${label} for ${name}`}>
      {label}
    </Button>
  );
}

// A Stack, not a SimpleGrid: SimpleGrid writes a <style> element, which the Content-Security-Policy refuses.
/** A ticket's suggested canned responses, rendered for its customer, best first, each with a Copy button. */
export function SuggestionList({ ticketId, name }: { ticketId: string; name: string }) {
  const suggestions = useQuery({
    queryKey: ['tickets', ticketId, 'suggestions'],
    queryFn: () => unwrap(api.GET('/api/v1/tickets/{id}/suggestions', { params: { path: { id: ticketId }, query: { limit: 6 } } })),
  });
  if (suggestions.isPending) return <Text size="sm">Finding responses…</Text>;
  if (suggestions.isError) return <ErrorState title="Could not load suggestions" error={suggestions.error} />;
  if (suggestions.data.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No canned response is allowed for this ticket; Settings › Canned responses adds them.
      </Text>
    );
  return (
    <Stack gap="xs" component="ul" aria-label={`Suggested responses for ${name}`} p={0} m={0} maw={720} style={{ listStyle: 'none' }}>
      {suggestions.data.map((s) => (
        <Paper key={s.key} component="li" withBorder p="xs">
          <Group justify="space-between" wrap="nowrap" align="flex-start" mb={4}>
            <Text size="sm" fw={600}>
              {s.title}
            </Text>
            <CopyButton value={s.body} timeout={4000}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="default" onClick={copy} aria-label={`${copied ? 'Copied' : 'Copy'} ${s.title}`}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {s.body}
          </Text>
          <Text size="xs" c="dimmed" mt={4}>
            Score {s.score.toFixed(2)}: {s.why}
          </Text>
        </Paper>
      ))}
    </Stack>
  );
}
