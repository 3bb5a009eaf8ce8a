import { Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { ErrorState, Loading } from '../../shell/PageState';
import { DrawnChart } from './DrawnChart';
import { overlapQuery } from './dashboard-queries';

/** The Jaccard index of every pair of one target's segments, as a heatmap, with the most similar pair named. */
export function OverlapHeatmap() {
  const [target, setTarget] = useState<'person' | 'account'>('person');
  const overlap = useQuery(overlapQuery(target));
  const data = overlap.data;
  let closest: { a: string; b: string; jaccard: number } | undefined;
  data?.jaccard.forEach((row, i) =>
    row.forEach((value, j) => {
      if (j > i && (closest === undefined || value > closest.jaccard))
        closest = { a: data.segments[i]!, b: data.segments[j]!, jaccard: value };
    }),
  );
  const summary = data
    ? `Overlap of ${data.segments.length} ${target} segments; ${closest ? `most alike: ${closest.a} and ${closest.b}, Jaccard ${closest.jaccard.toFixed(2)}` : 'no pairs'}`
    : '';
  const draw = useCallback(
    async (element: HTMLDivElement, dark: boolean) =>
      (await import('./heatmap-draw')).drawOverlapHeatmap(element, data?.segments ?? [], data?.jaccard ?? [], dark),
    [data],
  );
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="overlap-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="overlap-title">
          Overlap
        </Title>
        <SegmentedControl
          aria-label="Segments of"
          value={target}
          onChange={(v) => setTarget(v === 'account' ? 'account' : 'person')}
          data={[
            { value: 'person', label: 'People' },
            { value: 'account', label: 'Accounts' },
          ]}
          w={220}
        />
        {overlap.isError ? (
          <ErrorState title="Could not load the overlap" error={overlap.error} onRetry={() => void overlap.refetch()} />
        ) : overlap.isPending || !data ? (
          <Loading label="Pairing members…" />
        ) : data.segments.length === 0 ? (
          <Text c="dimmed">No {target} segments.</Text>
        ) : (
          <DrawnChart draw={draw} height={Math.max(240, 28 * data.segments.length + 120)} summary={summary} />
        )}
      </Stack>
    </Paper>
  );
}
