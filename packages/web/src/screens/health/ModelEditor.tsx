import { Button, Group, NativeSelect, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import type { paths } from '../../api/openapi';
import { notify } from '../../shell/notify';
import { ErrorState } from '../../shell/PageState';
import { ModelPreview } from './ModelPreview';

type Model = paths['/api/v1/health-models/{key}']['get']['responses'][200]['content']['application/json'];
type Measure = Model['measures'][number];
type Method = Model['method'];
type Issue = { field: string; message: string };

/** Edits how a model scores: method, each measure (expression, weight, scoring, missing data) and the bands; a preview of the scores follows every edit, and saving makes a new version. */
export function ModelEditor({ model }: { model: Model }) {
  const client = useQueryClient();
  const [method, setMethod] = useState<Method>(model.method);
  const [measures, setMeasures] = useState(model.measures);
  const [bands, setBands] = useState(model.bands);
  const update = (index: number, change: Partial<Measure>) =>
    setMeasures((current) => current.map((m, i) => (i === index ? { ...m, ...change } : m)));
  const body = { name: model.name, target: model.target, method, measures, bands };
  // The preview (and its mistakes, named by field) follows the edits once typing pauses.
  const [edited] = useDebouncedValue(body, 400);
  const preview = useQuery({
    queryKey: ['health', 'preview', model.key, edited],
    queryFn: () => unwrap(api.POST('/api/v1/health-models/{key}/preview', { params: { path: { key: model.key } }, body: edited })),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const issues: Issue[] =
    preview.error instanceof ApiError && Array.isArray(preview.error.details) ? (preview.error.details as Issue[]) : [];
  const issueAt = (field: string) =>
    issues
      .filter((i) => i.field === field || i.field.startsWith(`${field}.`))
      .map((i) => i.message)
      .join('; ') || undefined;
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/v1/health-models/{key}', { params: { path: { key: model.key } }, body })),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: ['health'] });
      notify({ color: 'teal', title: `${saved.name} saved`, message: `Version ${saved.version}; its history is being recomputed.` });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const elsewhere = issues.filter((i) => !i.field.startsWith('measures[') && !i.field.startsWith('bands['));
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="editor-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="editor-title">
          Edit {model.name}
        </Title>
        <Select
          label="Method"
          value={method}
          onChange={(value) => value && setMethod(value as Method)}
          data={[
            { value: 'weighted', label: 'weighted: weighted mean of the measure scores' },
            { value: 'points', label: 'points: weights as points, summed, capped at 100' },
            { value: 'worst', label: 'worst: the lowest measure decides' },
          ]}
          allowDeselect={false}
          maw={480}
        />
        <Table aria-label="Measures" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Measure</Table.Th>
              <Table.Th>Expression</Table.Th>
              <Table.Th>Weight</Table.Th>
              <Table.Th>Scoring (0 → 100)</Table.Th>
              <Table.Th>Missing data</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {measures.map((m, index) => (
              <Table.Tr key={m.key}>
                <Table.Td>{m.name}</Table.Td>
                <Table.Td>
                  {m.manual ? (
                    <Text size="sm" c="gray.7">
                      set by hand per account
                    </Text>
                  ) : (
                    <TextInput
                      aria-label={`Expression of ${m.name}`}
                      value={m.expression ?? ''}
                      onChange={(event) => update(index, { expression: event.currentTarget.value })}
                      error={issueAt(`measures[${index}].expression`)}
                      ff="monospace"
                      miw={260}
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={`Weight of ${m.name}`}
                    value={m.weight}
                    min={0}
                    onChange={(value) => typeof value === 'number' && update(index, { weight: value })}
                    error={issueAt(`measures[${index}].weight`)}
                    w={90}
                  />
                </Table.Td>
                <Table.Td>
                  <ScoringCell
                    measure={m}
                    onChange={(scoring) => update(index, { scoring })}
                    error={issueAt(`measures[${index}].scoring`)}
                  />
                </Table.Td>
                <Table.Td>
                  <NativeSelect
                    aria-label={`Missing data of ${m.name}`}
                    value={m.missing}
                    onChange={(event) => update(index, { missing: event.currentTarget.value as Measure['missing'] })}
                    data={[
                      { value: 'skip', label: 'skip and re-weight' },
                      { value: 'zero', label: 'score 0' },
                      { value: 'neutral', label: 'score 50' },
                    ]}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group gap="sm" align="flex-start">
          {bands.map((b, index) => (
            <NumberInput
              key={b.key}
              label={`${b.name} from`}
              value={b.min}
              min={0}
              max={100}
              w={120}
              onChange={(value) =>
                typeof value === 'number' && setBands((all) => all.map((x, i) => (i === index ? { ...x, min: value } : x)))
              }
              error={issueAt(`bands[${index}].min`) ?? (index === 0 ? issueAt('bands') : undefined)}
            />
          ))}
        </Group>
        {elsewhere.length > 0 && (
          <Text size="sm" c="red.8" role="alert">
            {elsewhere.map((i) => `${i.field}: ${i.message}`).join('; ')}
          </Text>
        )}
        <ModelPreview
          preview={preview.data}
          pending={preview.isFetching}
          failed={preview.isError && issues.length === 0 ? preview.error : undefined}
          refused={issues.length > 0}
        />
        {save.isError && <ErrorState title="The model was not saved" error={save.error} />}
        <Group>
          <Button type="submit" loading={save.isPending} disabled={issues.length > 0}>
            Save as a new version
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** A linear range edits as its two ends; thresholds (steps) show as text and are edited through the API. */
function ScoringCell({
  measure,
  onChange,
  error,
}: {
  measure: Measure;
  onChange: (scoring: Measure['scoring']) => void;
  error: string | undefined;
}) {
  const scoring = measure.scoring;
  if (!scoring)
    return (
      <Text size="sm" c={error ? 'red.8' : undefined}>
        {error ?? (measure.manual ? 'as set' : 'as is (0-100, or a condition: 100 when true)')}
      </Text>
    );
  if (scoring.type === 'thresholds') return <Text size="sm">{scoring.steps.map((s) => `≥${s.min}: ${s.score}`).join(', ')}</Text>;
  return (
    <Group gap={4} wrap="nowrap">
      <NumberInput
        aria-label={`${measure.name} scores 0 at`}
        value={scoring.min}
        onChange={(value) => typeof value === 'number' && onChange({ ...scoring, min: value })}
        error={error}
        w={90}
      />
      <Text size="sm">→</Text>
      <NumberInput
        aria-label={`${measure.name} scores 100 at`}
        value={scoring.max}
        onChange={(value) => typeof value === 'number' && onChange({ ...scoring, max: value })}
        w={90}
      />
    </Group>
  );
}
