export { ingestMessages, type IngestLimits, type IngestRequest, type IngestResult } from './ingestion/ingest-messages.js';
export { IngestionRefusedError, type RefusalIssue } from './ingestion/ingestion-refused.js';
export { loadSampleData, type LoadSampleOptions, type LoadSampleResult } from './generate/load-sample-data.js';
export { generateAccounts, sampleSizes, type SampleSize } from './generate/sample-company.js';
export { importRows, type ImportOptions, type ImportReport } from './import/import-rows.js';
export {
  coerceCell,
  importKinds,
  normaliseSpreadsheetId,
  rowToMessage,
  type ImportKind,
  type ImportMapping,
  type ImportRow,
} from './import/row-to-message.js';
export {
  ColumnTypeInference,
  coerceTypedCell,
  columnTypes,
  inferColumnTypes,
  parseCsvTime,
  type ColumnType,
} from './import/column-types.js';
export { SegmentEngine, type SegmentEngineOptions } from './segments/segment-engine.js';
export { LiveSegmentWorker, type LiveWorkerOptions } from './segments/live-worker.js';
export { SegmentMetrics } from './segments/segment-metrics.js';
export { sweepTime, instantRange, TimeSweeper } from './segments/time-sweep.js';
export {
  BackfillFailedError,
  backfillVersion,
  diffRule,
  recomputeSegment,
  recomputeWorkspace,
  type BackfillProgress,
} from './segments/backfill.js';
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
} from './segments/segment-service.js';
export { predefinedSegments, type PredefinedSegment } from './segments/predefined-segments.js';
export { loadLiveSegments, type LiveSegment } from './segments/live-segments.js';
export { textAnalyser, sentimentLabel, type SentimentLabel, type TextAnalyser, type TextSignals } from './support/text-signals.js';
export { loadBusinessHours } from './support/business-hours-setting.js';
export {
  changeTicket,
  readTicket,
  writeTicket,
  type TicketFields,
  type TicketMessageInput,
  type TicketOutcome,
  type TicketView,
  type TicketWrite,
} from './support/tickets.js';
export {
  recordSurveyAnswer,
  surveyScoreRange,
  type SurveyAnswer,
  type SurveyKind,
  type SurveyOutcome,
  type SurveyView,
} from './support/surveys.js';
export { issueSurveyLink, verifySurveyLink, type SurveyLinkCheck, type SurveyLinkClaims } from './support/survey-links.js';
export { SecretBox, parseMasterKey } from './integrations/secret-box.js';
export { configureIntegration, resolveWebhookTarget } from './integrations/integrations.js';
export { providerNames, webhookProviders, type ProviderName } from './integrations/providers.js';
export { maxSignatureAgeSeconds, type SignatureCheck, type SignatureFailure } from './integrations/signatures.js';
export type { WebhookProvider, WebhookResult } from './integrations/webhook-provider.js';
export * from './jobs/index.js';
export * from './changes/index.js';
export * from './webhooks/index.js';
export * from './runtime/index.js';
export * from './outbound/index.js';
