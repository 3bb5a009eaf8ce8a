export {
  defaultSlaWarningMinutes,
  holdoutBucket,
  orderPolicies,
  policyAttributes,
  type PolicyAttribute,
  type PolicyExperiment,
  type PolicySet,
  type SlaPolicy,
  type SlaTarget,
  type SupportPolicy,
} from './policy-model.js';
export { slaDueTimes, type SlaDueTimes } from './sla-due.js';
export {
  breachedMilestones,
  decideTicket,
  sameDecision,
  type DecidedSla,
  type DecisionInput,
  type SlaMilestone,
  type TicketDecision,
  type TicketFacts,
} from './decide-ticket.js';
export { segmentsReadByPolicies } from './policy-segments.js';
