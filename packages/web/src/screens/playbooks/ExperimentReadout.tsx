import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { ApiError } from '../../api/client';
import { ErrorState, Loading } from '../../shell/PageState';
import { DrawnChart } from '../dashboards/DrawnChart';
import type { RateBar } from './experiment-chart-draw';
import { experimentQuery, type ExperimentGroup, type ExperimentReadout as Readout, type ExperimentWarning } from './playbook-queries';

const percent = (x: number | null | undefined) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : '—');
const points = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pts`;
const count = (n: number) => n.toLocaleString('en-US');

/** What each warning code means for the reader, when the server sends a code without words. */
const warningWords: Record<string, string> = {
  'sample-ratio-mismatch':
    'The arms did not get the share of people their weights ask for: assignment or tracking is broken somewhere, so do not trust these numbers until that is found.',
  'too-early': 'Too early: with this many people only a large effect could show. Wait for more enrolments before deciding.',
};
const inWords = (w: ExperimentWarning | string) =>
  typeof w === 'string' ? (warningWords[w] ?? w) : (w.message ?? warningWords[w.code] ?? w.code);

/** The group compared against: the holdout, else the first arm. */
function baselineOf(readout: Readout): { name: string; group: ExperimentGroup } | undefined {
  if (readout.holdout && readout.holdout.enrolled > 0) return { name: 'holdout', group: readout.holdout };
  const first = readout.arms[0];
  return first ? { name: first.key, group: first } : undefined;
}

/**
 * The interval drawn around a group's rate: the answer's `ci` when it brackets the rate (an
 * interval of the rate); else `ci` is the interval of the difference to the baseline, drawn
 * around the baseline's rate, where the arm's rate would have to fall to be no different.
 */
function intervalOf(group: ExperimentGroup, baseline: ExperimentGroup | undefined): [number, number] | null {
  const ci = group.ci;
  if (!ci || typeof group.rate !== 'number') return null;
  if (ci[0] <= group.rate && group.rate <= ci[1]) return ci;
  return typeof baseline?.rate === 'number' ? [baseline.rate + ci[0], baseline.rate + ci[1]] : null;
}

/** The lift as the answer means it: a difference of rates (points) when it is one, else relative to the baseline (%). */
function liftText(arm: ExperimentGroup, baseline: ExperimentGroup | undefined): string {
  if (typeof arm.lift !== 'number') return '—';
  const difference = typeof arm.rate === 'number' && typeof baseline?.rate === 'number' ? arm.rate - baseline.rate : undefined;
  if (difference !== undefined && Math.abs(difference - arm.lift) < 1e-9) return points(arm.lift);
  return `${arm.lift >= 0 ? '+' : ''}${(arm.lift * 100).toFixed(1)}%`;
}

/** The interval as the answer means it: of the rate when it brackets the rate, else of the difference. */
function ciText(arm: ExperimentGroup): string {
  const ci = arm.ci;
  if (!ci) return '—';
  if (typeof arm.rate === 'number' && ci[0] <= arm.rate && arm.rate <= ci[1]) return `${percent(ci[0])} to ${percent(ci[1])}`;
  return `${points(ci[0])} to ${points(ci[1])}`;
}

/**
 * The experiment readout of a playbook (GET /api/v1/playbooks/{key}/experiment): each arm's and
 * the holdout's rate with its interval as a chart, each arm against the baseline with its p-value
 * and the sample sizes it rests on, and the warnings in words.
 */
export function ExperimentReadout({ playbookKey }: { playbookKey: string }) {
  const readout = useQuery(experimentQuery(playbookKey));
  const data = readout.data;
  const baseline = data ? baselineOf(data) : undefined;
  const bars = useMemo<RateBar[]>(
    () =>
      data
        ? [
            ...(data.holdout && data.holdout.enrolled > 0 ? [{ name: 'holdout', rate: data.holdout.rate ?? 0, interval: null }] : []),
            ...data.arms.map((arm) => ({ name: arm.key, rate: arm.rate ?? 0, interval: intervalOf(arm, baseline?.group) })),
          ]
        : [],
    [data, baseline],
  );
  const draw = useCallback(
    async (element: HTMLDivElement, dark: boolean) => (await import('./experiment-chart-draw')).drawExperimentChart(element, bars, dark),
    [bars],
  );
  const summary = `Goal rate by group: ${bars.map((b) => `${b.name} ${percent(b.rate)}${b.interval ? ` (95% interval ${percent(b.interval[0])} to ${percent(b.interval[1])})` : ''}`).join('; ')}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="experiment-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="experiment-title">
          Experiment readout
        </Title>
        {readout.isError ? (
          readout.error instanceof ApiError && readout.error.status === 404 ? (
            <Text size="sm">This Strata has no experiment readout yet (the server answered 404).</Text>
          ) : (
            <ErrorState title="Could not load the readout" error={readout.error} onRetry={() => void readout.refetch()} />
          )
        ) : readout.isPending || !data ? (
          <Loading label="Measuring the arms…" />
        ) : (
          <>
            {data.warnings.length > 0 && (
              <ul aria-label="Experiment warnings">
                {data.warnings.map((w, i) => (
                  <li key={i}>
                    <Text size="sm" fw={500}>
                      {inWords(w)}
                    </Text>
                  </li>
                ))}
              </ul>
            )}
            <DrawnChart draw={draw} height={260} summary={summary} />
            <Table aria-label="Arms" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Group</Table.Th>
                  <Table.Th>Enrolled</Table.Th>
                  <Table.Th>Reached the goal</Table.Th>
                  <Table.Th>Rate</Table.Th>
                  <Table.Th>Lift vs {baseline?.name ?? 'baseline'}</Table.Th>
                  <Table.Th>95% CI</Table.Th>
                  <Table.Th>p-value (sample sizes)</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.holdout && (
                  <Table.Tr>
                    <Table.Td>holdout</Table.Td>
                    <Table.Td>{count(data.holdout.enrolled)}</Table.Td>
                    <Table.Td>{count(data.holdout.reached)}</Table.Td>
                    <Table.Td>{percent(data.holdout.rate)}</Table.Td>
                    <Table.Td>baseline</Table.Td>
                    <Table.Td>—</Table.Td>
                    <Table.Td>—</Table.Td>
                  </Table.Tr>
                )}
                {data.arms.map((arm) => (
                  <Table.Tr key={arm.key}>
                    <Table.Td>{arm.key}</Table.Td>
                    <Table.Td>{count(arm.enrolled)}</Table.Td>
                    <Table.Td>{count(arm.reached)}</Table.Td>
                    <Table.Td>{percent(arm.rate)}</Table.Td>
                    <Table.Td>{liftText(arm, baseline?.group)}</Table.Td>
                    <Table.Td>{ciText(arm)}</Table.Td>
                    <Table.Td>
                      {typeof arm.pValue === 'number' && baseline && baseline.name !== arm.key
                        ? `p = ${arm.pValue < 0.001 ? '< 0.001' : arm.pValue.toFixed(3)} (n = ${count(arm.n ?? arm.enrolled)} vs ${count(baseline.group.n ?? baseline.group.enrolled)})`
                        : '—'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Paper>
  );
}
