export {
  claimWebhookDelivery,
  findTicket,
  insertTicket,
  insertTicketMessage,
  listTicketMessages,
  lockTicket,
  updateTicket,
  type NewTicketMessageRow,
  type NewTicketRow,
  type TicketMessageRow,
  type TicketRef,
  type TicketRow,
  type TicketUpdate,
} from './tickets.js';
export { upsertSurvey, type NewSurveyRow, type SurveyRow } from './surveys.js';
