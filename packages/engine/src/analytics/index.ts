export { listAnalyticsWarnings, readWarningFacts, warningSources, type WarningSource } from './analytics-warnings.js';
export { compareSegments, type ComparedMetric, type SegmentComparison } from './compare-segments.js';
export { segmentMetricSeries, type SeriesPoint, type SeriesRequest } from './segment-metric-series.js';
export { overlapOfSegments, type OverlapProblem } from './segment-overlap.js';
export { readersOfSegments, segmentReaderSources, type SegmentReaderSource } from './segment-readers.js';
export { snapshotMetricDay } from './snapshot-metric-days.js';
export {
  backfillSegmentMetrics,
  backfillSegmentMetricsTask,
  maxBackfillDays,
  requestMetricsBackfill,
  snapshotSegmentMetricsTask,
} from './snapshot-tasks.js';
