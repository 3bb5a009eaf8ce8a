import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';

// Colours whose light-variant text passes contrast in the light theme (app.css).
const bandColor = { low: 'green', medium: 'gray', high: 'red' } as const;
/** Reasons shown: the rest add little, and the model page explains the features. */
const shownReasons = 5;

/** An account's churn risk for the next 90 days and its top reasons (GET /api/v1/accounts/{groupId}/churn-risk). */
export function ChurnRisk({ groupId }: { groupId: string }) {
  const risk = useQuery({
    queryKey: ['account', groupId, 'churn-risk'],
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{groupId}/churn-risk', { params: { path: { groupId } } })),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
  if (risk.isPending) return <Loading label="Loading the churn risk…" />;
  if (risk.isError) {
    if (risk.error instanceof ApiError && risk.error.status === 404)
      return (
        <Text c="dimmed" size="sm">
          Not scored: the churn model scores every account that has not churned when it trains (nightly, or from the{' '}
          <Anchor component={Link} to="/health/churn-model" size="sm">
            churn model
          </Anchor>{' '}
          page).
        </Text>
      );
    return <ErrorState title="Could not load the churn risk" error={risk.error} onRetry={() => void risk.refetch()} />;
  }
  const r = risk.data;
  return (
    <>
      <Group gap="sm">
        <Text size="xl" fw={700}>
          {(r.probability * 100).toFixed(1)}%
        </Text>
        <Badge color={bandColor[r.band]} variant="light">
          {r.band} risk
        </Badge>
        <Text size="sm" c="dimmed">
          chance of churning in the next 90 days · model v{r.modelVersion} ·{' '}
          <Anchor component={Link} to="/health/churn-model" size="sm">
            how good is it?
          </Anchor>
        </Text>
      </Group>
      <Table aria-label="Top reasons for the churn risk" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Feature</Table.Th>
            <Table.Th scope="col">Value</Table.Th>
            <Table.Th scope="col">Effect</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {r.contributions.slice(0, shownReasons).map((c) => (
            <Table.Tr key={c.feature}>
              <Table.Th scope="row">{c.feature.replaceAll('_', ' ')}</Table.Th>
              <Table.Td>
                {c.value === null
                  ? 'missing'
                  : typeof c.value === 'number'
                    ? c.value.toLocaleString('en', { maximumFractionDigits: 2 })
                    : c.value}
              </Table.Td>
              <Table.Td>{effectText(c.effect)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

/** An effect in log-odds as words: its direction and how many times the odds it makes. */
function effectText(effect: number): string {
  const factor = Math.exp(Math.abs(effect));
  if (factor < 1.05) return 'little either way';
  return `${effect > 0 ? 'raises' : 'lowers'} the odds ${factor.toFixed(1)}×`;
}
