import { Alert, Button, Group, List, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { notify } from '../../shell/notify';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from '../settings/permissions';
import { CalibrationChart } from './CalibrationChart';

const modelKey = ['churn-model'] as const;
type Model = Awaited<ReturnType<typeof loadModel>>;
const loadModel = () => unwrap(api.GET('/api/v1/churn-model'));
// A run in progress is polled; a settled model is not.
const running = (model: Model | undefined) =>
  model !== undefined &&
  (model.status === 'queued' || model.status === 'training' || (model.scoring !== null && model.scoring.done < model.scoring.total));
const show = (value: number | null, digits = 3) => (value === null ? '—' : value.toFixed(digits));

/** /health/churn-model: how well the churn model predicts, measured on a later period it never saw, and training it. */
export function ChurnModelPage() {
  const model = useQuery({
    queryKey: modelKey,
    queryFn: loadModel,
    refetchInterval: (query) => (running(query.state.data) ? 1000 : false),
  });
  if (model.isPending) return <Loading label="Loading the churn model…" />;
  if (model.isError)
    return <ErrorState title="The churn model could not be loaded" error={model.error} onRetry={() => void model.refetch()} />;
  const m = model.data;
  return (
    <Stack gap="md" maw={900}>
      <div>
        <Title order={1} size="h2">
          Churn model
        </Title>
        <Text size="sm" c="dimmed">
          Predicts which accounts churn in the next {m.horizonDays ?? 90} days from their activity, support, billing and traits. It learns
          from earlier snapshots of the workspace&apos;s own accounts and is measured on later ones it never saw.
        </Text>
      </div>
      <Quality model={m} />
      <Paper withBorder p="md" component="section" aria-labelledby="churn-calibration-title">
        <Title order={2} size="h4" id="churn-calibration-title" mb="xs">
          Calibration by decile
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Held-out accounts sorted by predicted risk into tenths: in a well calibrated model the bars (what happened) follow the line (what
          it predicted).
        </Text>
        {m.calibration.length === 0 ? (
          <Text size="sm" c="dimmed">
            No measurement yet.
          </Text>
        ) : (
          <CalibrationChart points={m.calibration} />
        )}
      </Paper>
      <Training model={m} />
    </Stack>
  );
}

function Quality({ model }: { model: Model }) {
  const rows = [
    { label: 'ROC AUC', value: show(model.auc), why: '0.5 ranks like a coin, 1 puts every churned account above every other' },
    { label: 'Brier score', value: show(model.brier), why: 'mean squared error of the probabilities; lower is better' },
    {
      label: 'Lift in the top decile',
      value: show(model.liftTopDecile, 2),
      why: 'how many times the usual churn rate the riskiest tenth has',
    },
    { label: 'Training examples', value: String(model.trainingSize), why: 'an account at one snapshot' },
    {
      label: 'Held-out examples',
      value: `${model.testedSize} (${model.testedChurned} churned)`,
      why: 'what the numbers above are measured on',
    },
  ];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="churn-quality-title">
      <Title order={2} size="h4" id="churn-quality-title" mb="xs">
        Quality on a later period
      </Title>
      <Table aria-label="Churn model quality" mb="sm">
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.label}>
              <Table.Th scope="row">{r.label}</Table.Th>
              <Table.Td>{r.value}</Table.Td>
              <Table.Td c="dimmed">{r.why}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {model.warnings.length > 0 && (
        <Alert color="red" variant="light" role="note" title="Do not trust these numbers yet" mb="sm">
          <List size="sm">
            {model.warnings.map((w) => (
              <List.Item key={w.code}>{w.message}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {model.leaks.length > 0 && (
        <Alert color="blue" variant="light" role="note" title="Features that give churn away" mb="sm">
          <List size="sm">
            {model.leaks.map((l) => (
              <List.Item key={l.feature}>
                {l.feature}: AUC {l.auc.toFixed(3)} on its own ({l.kept ? 'kept, as asked' : 'left out'})
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        Features: {model.features.join(', ') || 'none yet'}.
        {model.identifiers.length > 0 && ` Left out as identifiers: ${model.identifiers.join(', ')}.`}
      </Text>
    </Paper>
  );
}

function Training({ model }: { model: Model }) {
  const can = useCan();
  const client = useQueryClient();
  const train = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/churn-model/train', { body: {} })),
    onSuccess: (queued) => {
      client.setQueryData(modelKey, queued);
      notify({
        color: 'teal',
        title: 'Training queued',
        message: 'The model trains in the background and scores every account; this page follows it.',
      });
    },
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="churn-training-title">
      <Title order={2} size="h4" id="churn-training-title" mb="xs">
        Training
      </Title>
      <Text size="sm" mb="sm" role="status">
        {statusText(model)}
      </Text>
      {model.scoring !== null && (
        <Progress
          value={model.scoring.total === 0 ? 100 : (model.scoring.done / model.scoring.total) * 100}
          aria-label={`Scored ${model.scoring.done} of ${model.scoring.total} accounts`}
          mb="sm"
        />
      )}
      {train.isError && <ErrorState title="Training was not queued" error={train.error} />}
      {can('settings:write') && (
        <Group>
          <Button onClick={() => train.mutate()} loading={train.isPending || running(model)}>
            Train now
          </Button>
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
    case 'failed':
      return `The last run failed: ${model.error ?? 'no reason recorded'}.${when}`;
    case 'trained':
      return model.scoring !== null && model.scoring.done < model.scoring.total
        ? `Trained (version ${model.version}); scoring accounts…`
        : `Version ${model.version}, ${model.scoring?.total ?? 0} accounts scored.${when}`;
  }
}
