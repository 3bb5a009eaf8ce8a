export { routeTicket, setAgentAvailability, UnknownQueueError, type RouteOptions } from './route-ticket.js';
