export {
  deleteSlaPolicy,
  findSlaPolicy,
  listSlaPolicies,
  readSlaWarningMinutes,
  saveSlaPolicy,
  writeSlaWarningMinutes,
} from './sla-policies.js';
export {
  deleteSupportPolicy,
  findSupportPolicy,
  listSupportPolicies,
  recordRedecision,
  reorderSupportPolicies,
  saveSupportPolicy,
  type RedecisionProgress,
  type StoredSupportPolicy,
} from './support-policies.js';
export { countOpenTickets, matchTicketPolicies, type TicketPolicyMatch, type TicketSelection } from './ticket-policy-matches.js';
export { findCurrentDecisions, insertTicketDecisions, listTicketDecisions, type StoredDecision } from './ticket-decisions.js';
export { countSupportEvents, recordSupportEvents, type SupportEventInput } from './support-events.js';
export { listExperimentTickets, type ExperimentTicket } from './experiment-tickets.js';
