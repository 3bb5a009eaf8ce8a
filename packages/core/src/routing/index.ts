export {
  assignmentMethods,
  languageFallbacks,
  type AgentSeat,
  type AgentStatus,
  type AssignmentMethod,
  type LanguageFallback,
  type QueueDefinition,
} from './queue.js';
export { pickAgent, type Assignment, type AssignmentInput } from './pick-agent.js';
