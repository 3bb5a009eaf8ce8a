import { Button, Code, Group, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { SortingState, Updater } from '@tanstack/react-table';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyState, ErrorState, Loading } from '../../shell/PageState';
import type { ActivityView } from './segment-rows';
import { activityDays, activityQuery, segmentsQuery } from './segment-queries';
import { SegmentsTable } from './SegmentsTable';

const targets = ['all', 'person', 'account'] as const;
type TargetFilter = (typeof targets)[number];

/** The filters live in the URL (?q=&target=&sort=members.desc) so a link or a reload keeps them. */
function useListState() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const target = (targets as readonly string[]).includes(params.get('target') ?? '') ? (params.get('target') as TargetFilter) : 'all';
  const [id, direction] = (params.get('sort') ?? 'key.asc').split('.');
  const sorting: SortingState = id ? [{ id, desc: direction === 'desc' }] : [];
  const set = (name: string, value: string | undefined) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  const setSorting = (updater: Updater<SortingState>) => {
    const [first] = typeof updater === 'function' ? updater(sorting) : updater;
    set('sort', first ? `${first.id}.${first.desc ? 'desc' : 'asc'}` : undefined);
  };
  const clear = () =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('q');
        next.delete('target');
        return next;
      },
      { replace: true },
    );
  return {
    q,
    target,
    sorting,
    clear,
    setQ: (v: string) => set('q', v || undefined),
    setTarget: (v: string) => set('target', v === 'all' ? undefined : v),
    setSorting,
  };
}

/** /segments: every segment of the workspace, searchable, filterable by target, sortable. */
export function SegmentsPage() {
  const state = useListState();
  const segments = useQuery(segmentsQuery);
  // Sizes over time and today's changes come separately: the table does not wait for them.
  const activity = useQuery(activityQuery);
  const activityView = useMemo<ActivityView>(
    () => ({
      status: activity.status,
      days: activityDays,
      byKey: new Map((activity.data?.items ?? []).map((item) => [item.key, item])),
    }),
    [activity.status, activity.data],
  );
  const now = segments.dataUpdatedAt || Date.now();
  const rows = useMemo(() => {
    const needle = state.q.trim().toLowerCase();
    return (segments.data ?? []).filter(
      (s) =>
        (state.target === 'all' || s.target === state.target) &&
        (!needle || s.key.toLowerCase().includes(needle) || s.name.toLowerCase().includes(needle)),
    );
  }, [segments.data, state.q, state.target]);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Segments
          </Title>
          <Text c="dimmed" size="sm">
            Groups of people or accounts defined by a rule, kept current as events arrive.
          </Text>
        </div>
        <Group gap="sm" align="flex-end">
          <TextInput
            label="Search segments"
            placeholder="Key or name"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={state.q}
            onChange={(event) => state.setQ(event.currentTarget.value)}
            w={240}
          />
          <div>
            <Text size="sm" fw={500} mb={4} id="target-filter-label">
              Target
            </Text>
            <SegmentedControl
              aria-labelledby="target-filter-label"
              value={state.target}
              onChange={state.setTarget}
              data={[
                { value: 'all', label: 'All' },
                { value: 'person', label: 'People' },
                { value: 'account', label: 'Accounts' },
              ]}
            />
          </div>
        </Group>
      </Group>
      {segments.isPending ? (
        <Loading label="Loading segments…" />
      ) : segments.isError ? (
        <ErrorState title="Could not load the segments" error={segments.error} onRetry={() => void segments.refetch()} />
      ) : segments.data.length === 0 ? (
        <EmptyState
          title="No segments yet"
          action={
            // Not "New segment": the header has that link, and two links of one name are ambiguous.
            <Button component={Link} to="/segments/new">
              Create a segment
            </Button>
          }
        >
          A segment is a rule such as <Code>mrr &gt;= 1000</Code>. Create one here, or from a terminal with{' '}
          <Code>npx strata segments create</Code>.
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState
          title="No segment matches"
          action={
            <Button variant="light" onClick={state.clear}>
              Clear the filters
            </Button>
          }
        >
          None of the {segments.data.length} segments has “{state.q}” in its key or name
          {state.target === 'all' ? '' : ` among ${state.target === 'person' ? 'people' : 'accounts'}`}.
        </EmptyState>
      ) : (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {rows.length} of {segments.data.length} segments
          </Text>
          {activity.isError && (
            <ErrorState
              title={`Could not load the sizes over ${activityDays} days and today's enters and exits`}
              error={activity.error}
              onRetry={() => void activity.refetch()}
            />
          )}
          <SegmentsTable rows={rows} sorting={state.sorting} onSortingChange={state.setSorting} now={now} activity={activityView} />
        </>
      )}
    </Stack>
  );
}
