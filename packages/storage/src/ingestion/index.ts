export {
  claimMessageIds,
  findIdentifiedPeople,
  findIdentities,
  insertEvents,
  insertIdentities,
  insertPeople,
  lockAccounts,
  lockIdentityKeys,
  lockMemberships,
  lockPeople,
  movePerson,
  registerFields,
  updateAccounts,
  updatePeople,
  upsertMemberships,
  type AccountState,
  type EventRow,
  type FieldSighting,
  type IdentityKey,
  type MembershipState,
  type PersonState,
} from './ingestion-store.js';
export { addIngestionCounts, readIngestionStats, type IngestionStats } from './ingestion-counters.js';
export { ensureEventPartitions, monthKey, TooManyNewPartitionsError } from './event-partitions.js';
export { copyRows, copyValue } from './copy-rows.js';
export { mergeEventSummaries, pruneEventSummaries, rebuildEventSummaries } from './event-summaries.js';
export {
  originAllowedByAnyWorkspace,
  readIngestionSettings,
  writeIngestionSettings,
  type IngestionSettings,
} from './ingestion-settings.js';
