export { findAccountProfile, findPersonProfile, type AccountProfile, type PersonProfile } from './profiles.js';
export { loadFieldSchema } from './field-schema.js';
export {
  findAccountByStripeCustomer,
  findExternalIdsOf,
  findFirstAccountOf,
  findAccountIdByGroupId,
  findPersonByIdentity,
  findProfileId,
  loadAccountRecord,
  loadAccountRecords,
  loadPersonRecords,
  loadPersonRecord,
  RecordTooLargeError,
  recordLimits,
} from './profile-records.js';
export {
  listCustomerEvents,
  listCustomerSurveys,
  listCustomerTickets,
  searchCustomers,
  type CustomerHit,
  type SurveyAnswer,
  type TicketSummary,
  type TimelineEvent,
} from './customer-activity.js';
