export { ingestMessages, type IngestRequest, type IngestResult } from './ingestion/ingest-messages.js';
export { loadSampleData, type LoadSampleOptions, type LoadSampleResult } from './generate/load-sample-data.js';
export { generateAccounts, sampleSizes, type SampleSize } from './generate/sample-company.js';
export { importRows, type ImportOptions, type ImportReport } from './import/import-rows.js';
export {
  coerceCell,
  importKinds,
  parseCsvTime,
  rowToMessage,
  type ImportKind,
  type ImportMapping,
  type ImportRow,
} from './import/row-to-message.js';
export { SegmentEngine, type SegmentEngineOptions } from './segments/segment-engine.js';
export { LiveSegmentWorker, type LiveWorkerOptions } from './segments/live-worker.js';
export { SegmentMetrics } from './segments/segment-metrics.js';
export { sweepTime, instantRange, TimeSweeper } from './segments/time-sweep.js';
export { backfillVersion, diffRule, recomputeSegment, recomputeWorkspace, type BackfillProgress } from './segments/backfill.js';
export {
  checkSegmentRule,
  createSegment,
  deleteSegment,
  ensurePredefinedSegments,
  previewSegmentEdit,
  segmentKeyPattern,
  updateSegment,
  type SegmentOutcome,
  type SegmentProblem,
} from './segments/segment-service.js';
export { predefinedSegments, type PredefinedSegment } from './segments/predefined-segments.js';
export { loadLiveSegments, type LiveSegment } from './segments/live-segments.js';
