export { registerAgentRoutes } from './agents.js';
export { registerQueueRoutes } from './queues.js';
export { registerTicketAssignmentRoutes } from './ticket-assignment.js';
export { registerTriageRoutes } from './triage.js';
