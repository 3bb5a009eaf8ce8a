export { openDatabase, type DatabaseHealth, type StrataDb } from './database.js';
export { atOneInstant, forEachWorkspace, inWorkspaceTransaction, workspaceScope, type WorkspaceScope } from './workspace-scope.js';
export { setWorkspaceSql } from './workspace-database.js';
export { enableWorkspaceRowLevelSecurity, globalWorkspaceTables, workspaceMatchSql, workspacePolicyName } from './row-level-security.js';
export {
  assertRuntimeRoleIsolated,
  currentRole,
  embeddedRuntimeRole,
  ensureEmbeddedRuntimeRole,
  grantRuntimeAccess,
  runtimeGrantsSql,
  runtimeRoleProblems,
} from './runtime-role.js';
export { databaseUnavailableReason } from './database-unavailable.js';
export { listenForNotifications, type NotificationListenerOptions } from './notification-listener.js';
export { migrateToLatest } from './migrate.js';
export { openMigratedDatabase, type DatabaseUrls } from './open-migrated-database.js';
export { assertSupportedServer, minimumServerVersion } from './server-version.js';
export type { BusinessHoursSetting, Database, FieldSource, IdentityKind, SegmentVersionState, TraitTimes } from './schema.js';
export {
  findRunningEmbeddedPostgres,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded/embedded-postgres.js';
export { createWorkspace, findWorkspaceById, findWorkspaceBySlug, listWorkspaces, type Workspace } from './workspaces/index.js';
export {
  apiKeyScopes,
  createApiKey,
  findApiKeyBySecret,
  listApiKeys,
  minimumSecretLength,
  revokeApiKey,
  touchApiKey,
  type ApiKey,
  type ApiKeyScope,
} from './keys/index.js';
export {
  addMember,
  anyUserExists,
  changeMember,
  clearLoginFailures,
  createInvitation,
  createPasswordReset,
  createSession,
  createSetupToken,
  deleteSessionByToken,
  deleteSetupTokens,
  deleteStaleSessions,
  deleteUserSessions,
  findMember,
  findOrCreateUser,
  findSessionByToken,
  findUserByEmail,
  findUserById,
  listMembers,
  listMemberships,
  recentLoginFailures,
  recordLoginFailure,
  setUserPassword,
  takeInvitation,
  takePasswordReset,
  takeSetupToken,
  touchSession,
  type Member,
  type MemberChange,
  type Session,
  type TakenInvitation,
  type TakenReset,
  type User,
} from './users/index.js';
export {
  claimMessageIds,
  findIdentifiedPeople,
  findIdentities,
  insertEvents,
  insertIdentities,
  lockAccounts,
  lockIdentityKeys,
  lockMemberships,
  lockPeople,
  movePerson,
  registerFields,
  updateAccounts,
  upsertMemberships,
  insertPeople,
  updatePeople,
  type AccountState,
  type EventRow,
  type FieldSighting,
  type IdentityKey,
  type MembershipState,
  type PersonState,
} from './ingestion/index.js';
export { addIngestionCounts, readIngestionStats, type IngestionStats } from './ingestion/index.js';
export * from './audit/index.js';
export * from './privacy/index.js';
export { ensureEventPartitions, monthKey, TooManyNewPartitionsError } from './ingestion/index.js';
export { findAccountProfile, findPersonProfile, type AccountProfile, type PersonProfile } from './profiles/index.js';
export {
  listCustomerEvents,
  listCustomerSurveys,
  listCustomerTickets,
  searchCustomers,
  type CustomerHit,
  type SurveyAnswer,
  type TicketSummary,
  type TimelineEvent,
} from './profiles/index.js';
export { copyRows, copyValue, mergeEventSummaries, pruneEventSummaries, rebuildEventSummaries } from './ingestion/index.js';
export { compileCondition, rowTimeColumn, selectRuleMembers, summaryHorizonDays, type CompileContext } from './segments/index.js';
export { registerComputedFieldSql, type ComputedFieldReader } from './segments/index.js';
export { loadFieldSchema } from './profiles/index.js';
export { type MemberScope } from './segments/index.js';
export {
  activateVersion,
  deleteSegment,
  findSegment,
  insertSegment,
  insertSegmentVersion,
  listBuildingVersions,
  listLiveVersions,
  listSegments,
  listSegmentVersions,
  recordBackfillFailure,
  resetBackfillFailures,
  recordBackfillProgress,
  recordFullEvaluation,
  stageVerdicts,
  diffStaging,
  updateSegmentLabels,
  type SegmentDefinition,
  type SegmentVersion,
} from './segments/index.js';
export {
  applyMembershipChanges,
  countSegmentMembers,
  findExternalIds,
  findMemberships,
  listMemberHistory,
  listMembersAsOf,
  listProfileSegments,
  listSegmentChanges,
  listSegmentMembers,
  type ChangeCause,
  type MembershipChange,
  type RecordedChange,
  searchSegmentMembers,
  segmentMemberSearch,
  type SegmentMemberHit,
} from './segments/index.js';
export {
  claimSegmentWork,
  claimSegmentWorkItems,
  enqueueSegmentWork,
  limitStatementTime,
  listenForSegmentWork,
  lockProfiles,
  lockSegmentDefinitions,
  readSegmentBacklog,
  readWorkFailures,
  recordWorkFailure,
  requeueFailedWork,
  segmentWorkChannel,
  unparkSegmentWork,
  type ClaimedWork,
  type SegmentWork,
  type WorkFailure,
} from './segments/index.js';
export { describeWorkFailure, nextAttemptAt, workRetryPolicy } from './segments/index.js';
export {
  findAccountByStripeCustomer,
  findExternalIdsOf,
  findFirstAccountOf,
  findAccountIdByGroupId,
  findPersonByIdentity,
  findProfileId,
  loadAccountRecord,
  loadPersonRecord,
  RecordTooLargeError,
  recordLimits,
} from './profiles/index.js';
export { findInstantsBetween, findLinkedProfiles, listProfileIds } from './segments/index.js';
export { dailySizesStatement, listDailySizes, listSegmentDailySizes, type SegmentDay, type SegmentDays } from './segments/index.js';
export { findDatabaseTimezone, lockWorkspace, readWorkspaceHours, updateWorkspace, writeBusinessHours } from './workspaces/index.js';
export {
  claimWebhookDelivery,
  findTicket,
  insertTicket,
  insertTicketMessage,
  listTicketMessages,
  lockTicket,
  updateTicket,
  type NewTicketMessageRow,
  type NewTicketRow,
  type TicketMessageRow,
  type TicketRef,
  type TicketRow,
  type TicketUpdate,
} from './support/index.js';
export { upsertSurvey, type NewSurveyRow, type SurveyRow } from './support/index.js';
export {
  correctLatestCustomerSentiment,
  findLanguageTraits,
  findTextModel,
  findTextSettings,
  listOpenTicketMessagesToRescore,
  listSentimentLabels,
  listTopicLabels,
  listTopicRules,
  markTextModelQueued,
  markTextModelTraining,
  replaceTopicRules,
  saveTextModel,
  setTextModelRescoreProgress,
  updateMessageSentiment,
  type SentimentLabelRow,
  type TextModelKind,
  type TextModelResult,
  type TextModelRow,
  type TopicRuleRow,
} from './support/index.js';
export {
  deleteIntegration,
  findIntegration,
  findIntegrationByToken,
  listIntegrations,
  maxDeliveryErrorLength,
  recordWebhookDelivery,
  upsertIntegration,
  type IntegrationRow,
} from './integrations/index.js';
export * from './jobs/index.js';
export * from './changes/index.js';
export * from './webhooks/index.js';
export {
  accountChurnFeatures,
  churnHorizonDays,
  churnLabelTraits,
  churnRiskSql,
  deleteChurnScoresExcept,
  findChurnModel,
  findChurnScoreByGroupId,
  findEarliestAccountStart,
  listAccountFeatures,
  listChurnExamples,
  listChurnFeatures,
  markChurnModelFailed,
  markChurnModelQueued,
  markChurnModelTraining,
  saveChurnModel,
  setChurnScoringProgress,
  traitChurnFeature,
  upsertChurnScores,
  type AccountFeatures,
  type ChurnLabel,
  type ChurnBand,
  type ChurnFeature,
  type ChurnModelAssessment,
  type ChurnModelRecord,
  type ChurnScore,
} from './churn/index.js';
export {
  claimHealthWork,
  deleteHealthModel,
  queueHealthWork,
  readHealthBacklog,
  findAccountHealth,
  findHealthModel,
  findHealthRecompute,
  healthScoresOn,
  listHealthDays,
  listHealthModels,
  listManualHealthValues,
  readHealthBandChangesAfter,
  recordHealthBandChanges,
  readQuadrantThresholds,
  registerHealthFieldSql,
  writeQuadrantThresholds,
  saveAccountHealth,
  saveHealthDays,
  saveHealthModel,
  saveHealthRecompute,
  saveManualHealthValue,
  type AccountHealthRow,
  type HealthBandChange,
  type HealthDay,
  type HealthRecompute,
  type LoggedHealthBandChange,
  type ManualHealthValue,
  type StoredHealthModel,
} from './health/index.js';
export {
  lifecycleStageSql,
  mrrChangeSql,
  readLifecycleStages,
  readMrrHistory,
  recordMrrChanges,
  writeLifecycleStages,
  type MrrChange,
} from './lifecycle/index.js';
