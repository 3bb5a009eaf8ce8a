import { Code, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Target } from '@strata/core';
import { api, unwrap } from '../../api/client';

/** How long the rule must stay still before the preview asks the server. */
const previewDelayMs = 400;

/**
 * Who the rule would select now: the count and a sample, refreshed ~400 ms after the user stops
 * typing, and only for a rule core found no mistake in. The last answer stays while the next
 * loads, so the panel does not jump.
 */
export function PreviewPanel({ rule, target, valid }: { rule: string; target: Target; valid: boolean }) {
  const [debounced] = useDebouncedValue(rule.trim(), previewDelayMs);
  const preview = useQuery({
    queryKey: ['segments', 'preview', target, debounced],
    queryFn: () => unwrap(api.POST('/api/v1/segments/preview', { body: { target, rule: debounced } })),
    enabled: valid && debounced !== '',
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const noun = target === 'person' ? 'people' : 'accounts';
  const answer = preview.data;
  return (
    <Paper withBorder p="md" mih={260} component="section" aria-labelledby="preview-title">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4" id="preview-title">
            Preview
          </Title>
          {preview.isFetching && <Loader size="xs" aria-label="Updating the preview" />}
        </Group>
        <div aria-live="polite" data-testid="preview">
          {rule.trim() === '' ? (
            <Text c="dimmed">Write a rule to see who it selects now.</Text>
          ) : !valid ? (
            <Text c="dimmed">Fix the rule's mistakes (underlined) to see who it selects.</Text>
          ) : preview.isError ? (
            <Text c="red.8">Could not preview: {preview.error.message}</Text>
          ) : !answer ? (
            <Text c="dimmed">Counting…</Text>
          ) : !answer.ok ? (
            <Text c="dimmed">The server found a mistake: {answer.diagnostics[0]?.message}</Text>
          ) : (
            <Stack gap={4}>
              <Text size="xl" fw={700}>
                {answer.count.toLocaleString('en')} {noun}
              </Text>
              <Text size="sm" c="dimmed">
                match now ({answer.tookMs} ms)
              </Text>
              {answer.sample.length > 0 && (
                <>
                  <Text size="sm">Sample:</Text>
                  <Group gap={4}>
                    {answer.sample.slice(0, 12).map((m) => (
                      <Code key={m.id}>{m.id}</Code>
                    ))}
                  </Group>
                </>
              )}
            </Stack>
          )}
        </div>
      </Stack>
    </Paper>
  );
}
