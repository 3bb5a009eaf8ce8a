export {
  batchEventsSql,
  batchPeopleSql,
  compileCondition,
  rowTimeColumn,
  selectRuleMembers,
  type BatchEventReads,
  type CompileContext,
  type MemberScope,
} from './compile-rule.js';
export { compileTicketCondition, type TicketCompileContext } from './compile-ticket-rule.js';
export { computedFieldSqls, registerComputedFieldSql, type ComputedFieldReader } from './computed-field-sql.js';
export { summaryHorizonDays } from './event-summary-sql.js';
export {
  activateVersion,
  deleteSegment,
  diffStaging,
  findSegment,
  insertSegment,
  insertSegmentVersion,
  listBuildingVersions,
  listLiveVersions,
  listSegments,
  listSegmentVersions,
  recordBackfillFailure,
  recordBackfillProgress,
  recordFullEvaluation,
  resetBackfillFailures,
  stageVerdicts,
  updateSegmentLabels,
  type SegmentDefinition,
  type SegmentVersion,
} from './segments.js';
export {
  applyMembershipChanges,
  countSegmentMembers,
  findExternalIds,
  findMemberships,
  listMemberHistory,
  listMembersAsOf,
  listProfileSegments,
  listSegmentsOfProfiles,
  listSegmentChanges,
  listSegmentMembers,
  type ChangeCause,
  type MembershipChange,
  type RecordedChange,
} from './segment-members.js';
export { readMemberExportPage, type MemberExportColumn } from './member-export-rows.js';
export { memberSearchCandidates, searchSegmentMembers, segmentMemberSearch, type SegmentMemberHit } from './member-search.js';
export {
  claimSegmentWork,
  claimSegmentWorkItems,
  enqueueSegmentWork,
  limitStatementTime,
  listenForSegmentWork,
  lockProfiles,
  profileLockKey,
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
} from './segment-work.js';
export { describeWorkFailure, nextAttemptAt, workRetryPolicy } from './work-failure.js';
export { findInstantsBetween, findLinkedProfiles, listProfileIds } from './time-boundaries.js';
export { dailySizesStatement, listDailySizes, listSegmentDailySizes, type SegmentDay, type SegmentDays } from './segment-sizes.js';
