import { Button, Code, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState } from '../../shell/PageState';
import type { paths } from '../../api/openapi';

type Model = paths['/api/v1/health-models/{key}']['get']['responses'][200]['content']['application/json'];
type Method = Model['method'];

const scoringText = (m: Model['measures'][number]) =>
  !m.scoring
    ? m.manual
      ? 'set by hand'
      : 'as is'
    : m.scoring.type === 'linear'
      ? `${m.scoring.min} → ${m.scoring.max}`
      : m.scoring.steps.map((s) => `≥${s.min}: ${s.score}`).join(', ');

/** Edits a model's method, measures (expression, weight) and shows its scoring and bands; saving makes a new version. */
export function ModelEditor({ model }: { model: Model }) {
  const client = useQueryClient();
  const [method, setMethod] = useState<Method>(model.method);
  const [measures, setMeasures] = useState(model.measures);
  const update = (index: number, change: Partial<Model['measures'][number]>) =>
    setMeasures((current) => current.map((m, i) => (i === index ? { ...m, ...change } : m)));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/health-models/{key}', {
          params: { path: { key: model.key } },
          body: { name: model.name, target: model.target, method, measures, bands: model.bands },
        }),
      ),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: ['health'] });
      notify({ color: 'teal', title: `${saved.name} saved`, message: `Version ${saved.version}; its history is being recomputed.` });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
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
              <Table.Th>Missing</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {measures.map((m, index) => (
              <Table.Tr key={m.key}>
                <Table.Td>{m.name}</Table.Td>
                <Table.Td>
                  {m.manual ? (
                    <Text size="sm" c="dimmed">
                      manual
                    </Text>
                  ) : (
                    <TextInput
                      aria-label={`Expression of ${m.name}`}
                      value={m.expression ?? ''}
                      onChange={(event) => update(index, { expression: event.currentTarget.value })}
                      ff="monospace"
                    />
                  )}
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={`Weight of ${m.name}`}
                    value={m.weight}
                    min={0}
                    onChange={(value) => typeof value === 'number' && update(index, { weight: value })}
                    w={90}
                  />
                </Table.Td>
                <Table.Td>{scoringText(m)}</Table.Td>
                <Table.Td>{m.missing}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm">
          Bands:{' '}
          {model.bands.map((b) => (
            <Code key={b.key} mr={4}>
              {b.name} from {b.min}
            </Code>
          ))}
        </Text>
        {save.isError && <ErrorState title="The model was not saved" error={save.error} />}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save as a new version
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
