export { listAnalyticsWarnings, mixedWarningSource, readWarningFacts, warningSources, type WarningSource } from './analytics-warnings.js';
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
export {
  suggestKmeansSegments,
  maxK,
  type KmeansRequest,
  type KmeansSuggestions,
  type SuggestionOutcome,
  type SuggestionProblem,
} from './suggest-segments.js';
export { maxSampledProfiles } from './feature-matrix.js';
export { silhouette, kRange } from './kmeans-clusters.js';
export type { Suggestion, Distinguishing } from './suggestion.js';
export { suggestRfmSegments, defaultRfmEvent, quintileScores, type RfmRequest } from './rfm-segments.js';
export {
  mixedSegmentWarnings,
  mixedSegmentDefaults,
  type MixedSegmentOptions,
  type MixedSegmentWarning,
} from './mixed-segment-warnings.js';
