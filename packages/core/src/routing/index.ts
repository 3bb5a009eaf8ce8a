export {
  assignmentMethods,
  languageFallbacks,
  queueHelpDesks,
  type AgentSeat,
  type AgentStatus,
  type AssignmentMethod,
  type LanguageFallback,
  type QueueHelpDesk,
  type QueueDefinition,
} from './queue.js';
export { pickAgent, type Assignment, type AssignmentInput } from './pick-agent.js';
export {
  defaultTriageWeights,
  slaUrgency,
  triageLevels,
  triageScore,
  triageTerms,
  type TriageInput,
  type TriagePart,
  type TriageTerm,
  type TriageWeights,
} from './triage-score.js';
