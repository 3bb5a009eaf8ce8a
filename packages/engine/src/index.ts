export { ingestMessages, type IngestLimits, type IngestRequest, type IngestResult } from './ingestion/index.js';
export { IngestionRefusedError, type RefusalIssue } from './ingestion/index.js';
export { loadSampleData, type LoadSampleOptions, type LoadSampleResult } from './generate/index.js';
export { generateAccounts, plantedGroups, sampleSizes, type PlantedGroups, type SampleSize } from './generate/index.js';
export { importRows, type ImportOptions, type ImportReport } from './import/index.js';
export {
  coerceCell,
  importKinds,
  normaliseSpreadsheetId,
  rowToMessage,
  type ImportKind,
  type ImportMapping,
  type ImportRow,
} from './import/index.js';
export { ColumnTypeInference, coerceTypedCell, columnTypes, inferColumnTypes, parseCsvTime, type ColumnType } from './import/index.js';
export { detectCrmPreset, type CrmPreset } from './import/index.js';
export { SegmentEngine, type SegmentEngineOptions } from './segments/index.js';
export { LiveSegmentWorker, type LiveWorkerOptions } from './segments/index.js';
export { SegmentMetrics } from './segments/index.js';
export { sweepTime, instantRange, TimeSweeper } from './segments/index.js';
export {
  BackfillFailedError,
  backfillVersion,
  diffRule,
  recomputeCalendarSegments,
  recomputeSegment,
  recomputeWorkspace,
  type BackfillProgress,
} from './segments/index.js';
export {
  checkSegmentRule,
  changeManualMembers,
  createSegment,
  deleteSegment,
  ensurePredefinedSegments,
  previewSegmentEdit,
  retrySegment,
  segmentKeyPattern,
  updateSegment,
  type SegmentOutcome,
  type SegmentProblem,
} from './segments/index.js';
export { predefinedSegments, type PredefinedSegment } from './segments/index.js';
export { loadLiveSegments, type LiveSegment } from './segments/index.js';
export {
  analyseTicketText,
  correctTicketSentiment,
  forgetWorkspaceTextSettings,
  requestSentimentTraining,
  sentimentLabel,
  sentimentLanguages,
  textAnalyser,
  trainTextModelsTask,
  trainWorkspaceSentiment,
  type SentimentCorrection,
  type SentimentLabel,
  type SentimentTrainingOutcome,
  type TextAnalyser,
  type TextContext,
  type TextSignals,
} from './support/index.js';
export {
  CannedResponseInputError,
  checkResponseTemplate,
  htmlChannels,
  isLanguageCode,
  previewCannedResponse,
  renderResponseTemplate,
  repliesInHtml,
  saveCannedResponse,
  suggestResponses,
  ticketTemplateData,
  type CannedResponseInput,
  type CannedResponseProblem,
  type PreviewTarget,
  type ResponsePreview,
  type ResponseSuggestion,
  type TemplateProblem,
} from './support/index.js';
export { loadBusinessHours } from './support/index.js';
export {
  changeTicket,
  readTicket,
  writeTicket,
  type TicketFields,
  type TicketMessageInput,
  type TicketOutcome,
  type TicketView,
  type TicketWrite,
} from './support/index.js';
export {
  recordSurveyAnswer,
  surveyScoreRange,
  type SurveyAnswer,
  type SurveyKind,
  type SurveyOutcome,
  type SurveyView,
} from './support/index.js';
export { issueSurveyLink, verifySurveyLink, type SurveyLinkCheck, type SurveyLinkClaims } from './support/index.js';
export {
  checkSupportPolicy,
  customerEntitlements,
  decideTickets,
  fireSlaTimer,
  slaTimerTask,
  policiesUsingSla,
  policyExperimentReadout,
  previewPolicies,
  redecideOpenTickets,
  redecideOpenTicketsTask,
  requestRedecision,
  supportPolicyDecisions,
  type CheckedPolicy,
  type DecisionChange,
  type DecisionRun,
  type Entitlement,
  type Entitlements,
  type PolicyIssue,
  type ExperimentMetric,
  type PolicyExperimentReadout,
  type PolicyPreview,
  type SupportPolicyInput,
} from './support-policies/index.js';
export { SecretBox, parseMasterKey } from './integrations/index.js';
export { chargebeeCredentials, configureIntegration, resolveWebhookTarget, type ChargebeeCredentials } from './integrations/index.js';
export { providerNames, webhookProviders, type ProviderName } from './integrations/index.js';
export {
  buildHelpDeskWebhook,
  helpDeskIntegrationName,
  helpDeskKeyPattern,
  helpDeskPresetNames,
  helpDeskWebhookInput,
  helpDeskWebhookProvider,
  reservedHelpDeskKeys,
  type ConfigIssue,
  type HelpDeskWebhookConfig,
  type HelpDeskWebhookInput,
} from './integrations/index.js';
export { maxSignatureAgeSeconds, type SignatureCheck, type SignatureFailure } from './integrations/index.js';
export type { WebhookProvider, WebhookResult } from './integrations/index.js';
export {
  HelpDeskConnectionInputError,
  helpDeskProviders,
  intercomVersion,
  isHelpDeskProvider,
  rateLimitedRetries,
  retryAfterSeconds,
  saveHelpDeskConnection,
  syncAttempts,
  syncFreshdeskTicket,
  syncIntercomConversation,
  syncTicketDecision,
  syncTicketTask,
  syncZendeskTicket,
  type HelpDeskUpdate,
  type TicketDecisionSync,
} from './integrations/index.js';
export * from './jobs/index.js';
export * from './changes/index.js';
export * from './webhooks/index.js';
export * from './runtime/index.js';
export * from './outbound/index.js';
export * from './privacy/index.js';
export {
  InvalidCursorError,
  routeTicket,
  setAgentAvailability,
  triageQueue,
  triageWeights,
  UnknownQueueError,
  type RouteOptions,
  type TriageItem,
  type TriagePage,
} from './routing/index.js';
export {
  churnBandBounds,
  churnBandOf,
  churnRiskTopic,
  ensureChurnRiskFieldRegistered,
  requestChurnTraining,
  trainChurnModelTask,
  trainWorkspaceChurnModel,
  type ChurnTrainingOutcome,
} from './churn/index.js';
export {
  deleteHealthModel,
  ensureHealthFieldsRegistered,
  historyDays,
  previewHealthModel,
  previewSampleSize,
  type HealthModelPreview,
  putHealthModel,
  quadrantPoints,
  type QuadrantPoint,
  recomputeHealth,
  recomputeHealthHistory,
  recomputeHealthHistoryTask,
  refreshHealthTask,
  requestHealthRecompute,
  rescoreWorkspace,
  personAsOf,
  recordAsOf,
  scoreAccount,
  scoreProfile,
  trendDays,
  utcDay,
  workspaceHealthModel,
  workspaceHealthModels,
  type ProfileHealth,
  type WorkspaceHealthModel,
} from './health/index.js';
export { ensureLifecycleFieldsRegistered, saveLifecycleStages } from './lifecycle/index.js';
export {
  backfillSegmentMetrics,
  backfillSegmentMetricsTask,
  compareSegments,
  listAnalyticsWarnings,
  mixedWarningSource,
  maxBackfillDays,
  overlapOfSegments,
  readersOfSegments,
  readWarningFacts,
  requestMetricsBackfill,
  segmentMetricSeries,
  segmentReaderSources,
  snapshotMetricDay,
  snapshotSegmentMetricsTask,
  warningSources,
  type ComparedMetric,
  type OverlapProblem,
  type SegmentComparison,
  type SegmentReaderSource,
  type SeriesPoint,
  type SeriesRequest,
  type WarningSource,
  kRange,
  maxK,
  maxSampledProfiles,
  silhouette,
  suggestKmeansSegments,
  suggestRfmSegments,
  defaultRfmEvent,
  mixedSegmentWarnings,
  mixedSegmentDefaults,
  type MixedSegmentOptions,
  type MixedSegmentWarning,
  type Distinguishing,
  type RfmRequest,
  type KmeansRequest,
  type KmeansSuggestions,
  type Suggestion,
  type SuggestionOutcome,
  type SuggestionProblem,
} from './analytics/index.js';
export {
  advanceEnrolment,
  advanceEnrolmentTask,
  checkPlaybook,
  enrolmentAttempts,
  cronProblem,
  latestCronTime,
  playbookEnrolments,
  playbookTriggersTask,
  pollPlaybookTriggers,
  enrollFromSchedules,
  scheduleEnrolment,
  type TriggerPass,
  type CheckedPlaybook,
  type PlaybookInput,
  type PlaybookIssue,
  type PlaybookStepInput,
  deliverPlaybookEmailTask,
  emailDeliveryAttempts,
  staleEmailClaimMs,
  emailMessageId,
  installPredefinedPlaybook,
  predefinedPlaybooks,
  type InstallOutcome,
  type PredefinedPlaybook,
} from './playbooks/index.js';
export {
  checkExperimentGoalTask,
  defaultConversionEvent,
  defaultGoalDays,
  playbookExperimentReadout,
  readExperiment,
  type ArmReadout,
  type ExperimentInput,
  type ExperimentNumbers,
  type ExperimentWarning,
  type GroupNumbers,
  type MeasuredGroup,
  type PlaybookExperimentReadout,
} from './playbooks/index.js';
export { csvCell, exportColumns, exportPageSize, segmentMembersCsv, type ExportColumns } from './export/index.js';
export * from './email/index.js';
