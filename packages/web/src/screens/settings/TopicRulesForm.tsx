import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from './permissions';

const rulesKey = ['settings', 'ticket-topics'] as const;
type Rules = Awaited<ReturnType<typeof loadRules>>;
const loadRules = () => unwrap(api.GET('/api/v1/ticket-topics'));
interface Row {
  topic: string;
  keywords: string;
}

/** The keyword rules that tag tickets with topics: one row a topic, its keywords comma-separated. */
export function TopicRulesForm() {
  const rules = useQuery({ queryKey: rulesKey, queryFn: loadRules });
  if (rules.isPending) return <Loading label="Loading the topic rules…" />;
  if (rules.isError)
    return <ErrorState title="The topic rules could not be loaded" error={rules.error} onRetry={() => void rules.refetch()} />;
  return <RulesForm saved={rules.data} />;
}

const rowsOf = (saved: Rules): Row[] => saved.rules.map((r) => ({ topic: r.topic, keywords: r.keywords.join(', ') }));

function RulesForm({ saved }: { saved: Rules }) {
  const can = useCan();
  const readOnly = !can('settings:write');
  const client = useQueryClient();
  const [rows, setRows] = useState<Row[]>(() => rowsOf(saved));
  useEffect(() => setRows(rowsOf(saved)), [saved]);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/ticket-topics', {
          body: {
            rules: rows.map((r) => ({
              topic: r.topic.trim(),
              keywords: r.keywords
                .split(',')
                .map((k) => k.trim())
                .filter(Boolean),
            })),
          },
        }),
      ),
    onSuccess: (next) => {
      client.setQueryData(rulesKey, next);
      notify({ color: 'teal', title: 'Topic rules saved', message: 'They tag tickets written from now on.' });
    },
  });
  const change = (index: number, patch: Partial<Row>) => setRows((all) => all.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="topic-rules-title">
      <Title order={2} size="h4" id="topic-rules-title" mb={4}>
        Topic rules
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        A ticket whose subject or customer messages contain a keyword (whole words, any case) gets the topic; the topic with most keywords
        found is its main one, the rule language&apos;s <code>topic</code>. A tag an agent sets that names a topic comes first.
        {saved.builtIn ? ' These are the built-in rules; saving makes them this workspace’s own.' : ''}
      </Text>
      <Stack gap="xs">
        {rows.map((row, i) => (
          <Group key={i} align="flex-end" wrap="nowrap">
            <TextInput
              label="Topic"
              value={row.topic}
              onChange={(e) => change(i, { topic: e.currentTarget.value })}
              disabled={readOnly}
              w={180}
            />
            <TextInput
              label={`Keywords of ${row.topic || 'this topic'}`}
              value={row.keywords}
              onChange={(e) => change(i, { keywords: e.currentTarget.value })}
              disabled={readOnly}
              flex={1}
            />
            {!readOnly && (
              <Button
                variant="subtle"
                color="red"
                onClick={() => setRows((all) => all.filter((_, j) => j !== i))}
                aria-label={`Remove the topic ${row.topic}`}
              >
                Remove
              </Button>
            )}
          </Group>
        ))}
        {save.isError && <ErrorState title="The topic rules were not saved" error={save.error} />}
        {!readOnly && (
          <Group>
            <Button variant="default" onClick={() => setRows((all) => [...all, { topic: '', keywords: '' }])}>
              Add a topic
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save topic rules
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
