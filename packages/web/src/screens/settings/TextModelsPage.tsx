import { Badge, Button, Checkbox, Group, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from './permissions';
import { TopicRulesForm } from './TopicRulesForm';

const modelKey = ['settings', 'text-models', 'sentiment'] as const;
type Model = Awaited<ReturnType<typeof loadModel>>;
const loadModel = () => unwrap(api.GET('/api/v1/text-models/sentiment'));
// A run in progress is polled; a settled model is not.
const running = (model: Model | undefined) =>
  model !== undefined &&
  (model.status === 'queued' || model.status === 'training' || (model.rescore !== null && model.rescore.done < model.rescore.total));

/** /settings/text-models: the sentiment model's quality next to the lexicon's, training it, and the topic keyword rules. */
export function TextModelsPage() {
  const model = useQuery({
    queryKey: modelKey,
    queryFn: loadModel,
    refetchInterval: (query) => (running(query.state.data) ? 1000 : false),
  });
  return (
    <Stack gap="md" maw={820}>
      {model.isPending ? (
        <Loading label="Loading the sentiment model…" />
      ) : model.isError ? (
        <ErrorState title="The sentiment model could not be loaded" error={model.error} onRetry={() => void model.refetch()} />
      ) : (
        <SentimentModel model={model.data} />
      )}
      <TopicModel />
      <TopicRulesForm />
    </Stack>
  );
}

const metrics = [
  { key: 'accuracy', label: 'Accuracy' },
  { key: 'macroF1', label: 'Macro-F1' },
  { key: 'focusF1', label: 'Negative-class F1' },
  { key: 'samples', label: 'Labelled messages' },
] as const;

function SentimentModel({ model }: { model: Model }) {
  const can = useCan();
  const client = useQueryClient();
  const [rescore, setRescore] = useState(false);
  const train = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/text-models/sentiment/train', { body: { rescore } })),
    onSuccess: (queued) => {
      client.setQueryData(modelKey, queued);
      notify({ color: 'teal', title: 'Training queued', message: 'The model is trained in the background; this page follows it.' });
    },
  });
  const show = (value: number | undefined, key: string) =>
    value === undefined ? '—' : key === 'samples' ? String(value) : value.toFixed(3);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="sentiment-model-title">
      <Group justify="space-between" mb={4}>
        <Title order={2} size="h4" id="sentiment-model-title">
          Sentiment model
        </Title>
        <Badge variant="default">{model.inUse ? 'In use' : 'Not in use: the lexicon scores alone'}</Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Learns from agents&apos; sentiment corrections and CSAT answers. It needs {model.minimumLabels.total} labelled messages (at least{' '}
        {model.minimumLabels.perLabel} of two labels) and is used only when it beats the lexicon on the same labels, cross-validated.
        Languages with sentiment: {model.languages.join(', ')}.
      </Text>
      <Table aria-label="Sentiment quality, lexicon and model" maw={520} mb="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Measure</Table.Th>
            <Table.Th scope="col">Lexicon</Table.Th>
            <Table.Th scope="col">Model</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {metrics.map((m) => (
            <Table.Tr key={m.key}>
              <Table.Th scope="row">{m.label}</Table.Th>
              <Table.Td>{show(model.lexicon[m.key], m.key)}</Table.Td>
              <Table.Td>{show(model.model[m.key], m.key)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" mb="sm" role="status">
        {statusText(model)}
      </Text>
      {model.rescore !== null && (
        <Progress
          value={model.rescore.total === 0 ? 100 : (model.rescore.done / model.rescore.total) * 100}
          aria-label={`Re-scored ${model.rescore.done} of ${model.rescore.total} open tickets`}
          mb="sm"
        />
      )}
      {train.isError && <ErrorState title="Training was not queued" error={train.error} />}
      {can('settings:write') && (
        <Group>
          <Button onClick={() => train.mutate()} loading={train.isPending || running(model)}>
            Train now
          </Button>
          <Checkbox label="Re-score open tickets with it" checked={rescore} onChange={(e) => setRescore(e.currentTarget.checked)} />
        </Group>
      )}
    </Paper>
  );
}

function statusText(model: Model): string {
  const when = model.trainedAt ? ` Last trained ${new Date(model.trainedAt).toLocaleString()}.` : '';
  switch (model.status) {
    case 'untrained':
      return 'Not trained yet: it trains nightly, or now with Train now.';
    case 'queued':
      return 'Queued for training…';
    case 'training':
      return 'Training…';
    case 'too-few-labels':
      return `Too few labels so far: ${model.samples} of ${model.minimumLabels.total}.${when}`;
    case 'failed':
      return `The last run failed: ${model.error ?? 'no reason recorded'}.${when}`;
    case 'trained':
      return model.rescore !== null
        ? `Trained on ${model.samples} labels; re-scored ${model.rescore.done} of ${model.rescore.total} open tickets.${when}`
        : `Trained on ${model.samples} labels.${when}`;
  }
}

const topicModelKey = ['settings', 'text-models', 'topic'] as const;

/** The topic classifier trained with each run from agents' topic tags, next to the keyword rules alone. */
function TopicModel() {
  // Trained in the same run as the sentiment model: read again when that run's time changes.
  const run = useQuery({ queryKey: modelKey, queryFn: loadModel }).data?.trainedAt ?? null;
  const model = useQuery({ queryKey: [...topicModelKey, run], queryFn: () => unwrap(api.GET('/api/v1/text-models/topic')) });
  if (model.isPending) return <Loading label="Loading the topic classifier…" />;
  if (model.isError)
    return <ErrorState title="The topic classifier could not be loaded" error={model.error} onRetry={() => void model.refetch()} />;
  const show = (value: number | undefined, key: string) =>
    value === undefined ? '—' : key === 'samples' ? String(value) : value.toFixed(3);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="topic-model-title">
      <Group justify="space-between" mb={4}>
        <Title order={2} size="h4" id="topic-model-title">
          Topic classifier
        </Title>
        <Badge variant="default">{model.data.inUse ? 'In use' : 'Not in use: keyword rules alone'}</Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Trained with each run from the tickets agents tagged with a topic; it tags tickets the keyword rules find no topic in, and only when
        that beat the rules alone. {model.data.status === 'too-few-labels' ? `Too few tagged tickets so far: ${model.data.samples}.` : ''}
      </Text>
      <Table aria-label="Topic quality, keyword rules and classifier" maw={520}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Measure</Table.Th>
            <Table.Th scope="col">Keyword rules</Table.Th>
            <Table.Th scope="col">With the classifier</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {metrics.map((m) => (
            <Table.Tr key={m.key}>
              <Table.Th scope="row">
                {m.key === 'focusF1' ? 'F1 of the commonest topic' : m.key === 'samples' ? 'Tagged tickets' : m.label}
              </Table.Th>
              <Table.Td>{show(model.data.keywords[m.key], m.key)}</Table.Td>
              <Table.Td>{show(model.data.model[m.key], m.key)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
