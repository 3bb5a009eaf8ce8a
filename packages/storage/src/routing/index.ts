export { agentStatuses, lockAgents, openTicketLoad, setAgentStatus } from './agents.js';
export { listAssignments, openTicketsRoutedTo, recordAssignment, type TicketAssignment } from './assignments.js';
export { deleteQueue, findQueue, listQueues, recordRoundRobinPick, saveQueue, type StoredQueue } from './queues.js';
export { listOpenTicketsForTriage, readTriageWeights, writeTriageWeights, type TriageRow } from './triage.js';
