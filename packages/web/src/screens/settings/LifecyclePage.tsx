import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { RuleEditor } from '../segment-editor/RuleEditor';
import { fieldSchemaOf, type Fields } from '../segment-editor/rule-language';
import { useCan } from './permissions';

const stagesKey = ['settings', 'lifecycle'] as const;
const loadStages = () => unwrap(api.GET('/api/v1/settings/lifecycle'));
type Stages = Awaited<ReturnType<typeof loadStages>>['stages'];

/** /settings/lifecycle: the rules that give each account its `lifecycle_stage`, tried in order. */
export function LifecyclePage() {
  const stages = useQuery({ queryKey: stagesKey, queryFn: loadStages });
  const fields = useQuery({ queryKey: ['fields'], queryFn: () => unwrap(api.GET('/api/v1/fields')), staleTime: 60_000 });
  if (stages.isPending) return <Loading label="Loading the lifecycle stages…" />;
  if (stages.isError)
    return <ErrorState title="The lifecycle stages could not be loaded" error={stages.error} onRetry={() => void stages.refetch()} />;
  return <StagesForm saved={stages.data.stages} fields={fields.data} />;
}

function StagesForm({ saved, fields }: { saved: Stages; fields: Fields | undefined }) {
  const can = useCan();
  // Saving rewrites the stage segments, so it takes the right to edit segments.
  const readOnly = !can('segments:write');
  const client = useQueryClient();
  const [rows, setRows] = useState<Stages>(saved);
  useEffect(() => setRows(saved), [saved]);
  const schema = useMemo(() => (fields ? fieldSchemaOf(fields) : undefined), [fields]);
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/v1/settings/lifecycle', { body: { stages: rows } })),
    onSuccess: (next) => {
      client.setQueryData(stagesKey, next);
      notify({ color: 'teal', title: 'Lifecycle stages saved', message: 'Every account’s stage follows the new rules.' });
    },
  });
  const change = (index: number, when: string) => setRows((all) => all.map((r, i) => (i === index ? { ...r, when } : r)));
  const move = (index: number, by: -1 | 1) =>
    setRows((all) => {
      const next = [...all];
      [next[index], next[index + by]] = [next[index + by]!, next[index]!];
      return next;
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="lifecycle-title">
      <Title order={2} size="h4" id="lifecycle-title" mb={4}>
        Lifecycle stages
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        An account is in the first stage whose rule holds, tried from the top; the rule language&apos;s <code>lifecycle_stage</code> and the
        account page show it. Each stage is also a segment, <code>lifecycle-…</code>, kept live like any other.
      </Text>
      <Stack gap="sm">
        {rows.map((row, i) => (
          <Group key={row.stage} align="flex-start" wrap="nowrap">
            <Text fw={600} w={110} pt={6}>
              {i + 1}. {row.stage}
            </Text>
            <div style={{ flex: 1 }}>
              <RuleEditor
                value={row.when}
                onChange={(text) => change(i, text)}
                target="account"
                fields={fields}
                schema={schema}
                segmentKey={`lifecycle-${row.stage}`}
                label={`Rule of the ${row.stage} stage`}
              />
            </div>
            {!readOnly && (
              <Group gap={4} wrap="nowrap">
                <Button
                  variant="subtle"
                  size="compact-sm"
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                  aria-label={`Move ${row.stage} up`}
                >
                  Up
                </Button>
                <Button
                  variant="subtle"
                  size="compact-sm"
                  disabled={i === rows.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={`Move ${row.stage} down`}
                >
                  Down
                </Button>
              </Group>
            )}
          </Group>
        ))}
        {save.isError && <ErrorState title="The lifecycle stages were not saved" error={save.error} />}
        {!readOnly && (
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save lifecycle stages
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
