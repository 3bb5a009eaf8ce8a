export { routeTicket, setAgentAvailability, UnknownQueueError, type RouteOptions } from './route-ticket.js';
export { decodeCursor, InvalidCursorError, triageQueue, triageWeights, type TriageItem, type TriagePage } from './triage-queue.js';
export { queueRouting, routeTicketTask, type RouteTicketPayload } from './route-ticket-task.js';
