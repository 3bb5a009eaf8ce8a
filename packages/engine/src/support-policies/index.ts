export { decideTickets, type DecisionChange, type DecisionRun } from './decide-tickets.js';
export { checkSupportPolicy, policiesUsingSla, type CheckedPolicy, type PolicyIssue, type SupportPolicyInput } from './policy-editing.js';
export { previewPolicies, type PolicyPreview } from './preview-policies.js';
export { redecideOpenTickets, redecideOpenTicketsTask, requestRedecision } from './redecide-open-tickets-task.js';
export { supportPolicyDecisions } from './segment-decisions.js';
export { fireSlaTimer, slaTimerTask } from './sla-timers.js';
export { customerEntitlements, type Entitlement, type Entitlements } from './entitlements.js';
export { policyExperimentReadout, type ExperimentMetric, type PolicyExperimentReadout } from './policy-experiment.js';
