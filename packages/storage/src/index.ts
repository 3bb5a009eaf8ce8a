export { openDatabase, type DatabaseHealth, type StrataDb } from './database.js';
export { databaseUnavailableReason } from './database-unavailable.js';
export { listenForNotifications, type NotificationListenerOptions } from './notification-listener.js';
export { migrateToLatest } from './migrate.js';
export { assertSupportedServer, minimumServerVersion } from './server-version.js';
export type { BusinessHoursSetting, Database, FieldSource, IdentityKind, SegmentVersionState, TraitTimes } from './schema.js';
export {
  findRunningEmbeddedPostgres,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded/embedded-postgres.js';
export { createWorkspace, findWorkspaceBySlug, listWorkspaces, type Workspace } from './repositories/workspaces.js';
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
} from './repositories/api-keys.js';
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
} from './repositories/ingestion-store.js';
export { addIngestionCounts, readIngestionStats, type IngestionStats } from './repositories/ingestion-counters.js';
export { ensureEventPartitions, monthKey, TooManyNewPartitionsError } from './repositories/event-partitions.js';
export { findAccountProfile, findPersonProfile, type AccountProfile, type PersonProfile } from './repositories/profiles.js';
export { copyRows, copyValue } from './repositories/copy-rows.js';
export { compileCondition, rowTimeColumn, selectRuleMembers, type CompileContext } from './segments/compile-rule.js';
export { registerComputedFieldSql, type ComputedFieldReader } from './segments/computed-field-sql.js';
export { loadFieldSchema } from './repositories/field-schema.js';
export { type MemberScope } from './segments/compile-rule.js';
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
} from './repositories/segments.js';
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
} from './repositories/segment-members.js';
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
} from './repositories/segment-work.js';
export { describeWorkFailure, nextAttemptAt, workRetryPolicy } from './repositories/work-failure.js';
export {
  findAccountByStripeCustomer,
  findExternalIdsOf,
  findFirstAccountOf,
  findPersonByIdentity,
  findProfileId,
  loadAccountRecord,
  loadPersonRecord,
  RecordTooLargeError,
  recordLimits,
} from './repositories/profile-records.js';
export { findInstantsBetween, findLinkedProfiles, listProfileIds } from './repositories/time-boundaries.js';
export { readWorkspaceHours, writeBusinessHours } from './repositories/workspaces.js';
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
} from './repositories/tickets.js';
export { upsertSurvey, type NewSurveyRow, type SurveyRow } from './repositories/surveys.js';
export {
  deleteIntegration,
  findIntegration,
  findIntegrationByToken,
  upsertIntegration,
  type IntegrationRow,
} from './repositories/integrations.js';
export * from './jobs/index.js';
export * from './changes/index.js';
export * from './webhooks/index.js';
