export { SegmentEngine, type SegmentEngineOptions } from './segment-engine.js';
export { LiveSegmentWorker, type LiveWorkerOptions } from './live-worker.js';
export { SegmentMetrics } from './segment-metrics.js';
export { sweepTime, instantRange, TimeSweeper } from './time-sweep.js';
export { BackfillFailedError, backfillVersion, diffRule, recomputeSegment, recomputeWorkspace, type BackfillProgress } from './backfill.js';
export { recomputeCalendarSegments } from './timezone-change.js';
export {
  checkSegmentRule,
  createSegment,
  deleteSegment,
  ensurePredefinedSegments,
  previewSegmentEdit,
  retrySegment,
  segmentKeyPattern,
  updateSegment,
  type SegmentOutcome,
  type SegmentProblem,
  type SegmentRunOptions,
} from './segment-service.js';
export { predefinedSegments, type PredefinedSegment } from './predefined-segments.js';
export { loadLiveSegments, type LiveSegment } from './live-segments.js';
export { WorkCollector } from './work-collector.js';
export type { ProfileWork } from './evaluate-profiles.js';
export { changeManualMembers } from './manual-segments.js';
