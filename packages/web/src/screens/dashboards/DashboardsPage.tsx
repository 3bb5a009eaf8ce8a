import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, Loading } from '../../shell/PageState';
import { useCan } from '../settings/permissions';
import { KpiComparison } from './KpiComparison';
import { KpiTrend } from './KpiTrend';
import { OverlapHeatmap } from './OverlapHeatmap';
import { SegmentExport } from './SegmentExport';
import { SuggestedSegments } from './SuggestedSegments';
import { WarningsList } from './WarningsList';
import { comparedSegments, segmentsQuery } from './dashboard-queries';

/**
 * Segment analytics: the largest segments' KPIs side by side against the workspace, one KPI over
 * time, the overlap between segments and the warnings about the segmentation (docs/analytics.md).
 */
export function DashboardsPage() {
  const segments = useQuery(segmentsQuery);
  const can = useCan();
  const all = segments.data ?? [];
  // The largest segments of the target most segments have: one workspace column fits them all.
  const target = all.filter((s) => s.target === 'person').length >= all.length / 2 ? 'person' : 'account';
  const largest = all
    .filter((s) => s.target === target)
    .sort((a, b) => b.members - a.members || a.key.localeCompare(b.key))
    .slice(0, comparedSegments)
    .map((s) => s.key);
  return (
    <Stack>
      <Title order={1} size="h2">
        Dashboards
      </Title>
      <Text c="dimmed">
        How the segments compare, move and overlap. Every number is defined in the analytics guide (docs/analytics.md).
      </Text>
      {segments.isError ? (
        <ErrorState title="Could not load the segments" error={segments.error} onRetry={() => void segments.refetch()} />
      ) : segments.isPending ? (
        <Loading label="Loading the segments…" />
      ) : (
        <>
          <KpiComparison keys={largest} target={target} />
          {largest.length > 0 && <KpiTrend keys={largest} />}
          <OverlapHeatmap />
          <WarningsList />
          <SuggestedSegments />
          {/* Members' data in bulk: shown only to those the export would not refuse. */}
          {all.length > 0 && can('people:export') && <SegmentExport keys={all.map((s) => s.key).sort()} />}
        </>
      )}
    </Stack>
  );
}
