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
export {
  deleteCannedResponse,
  findCannedResponse,
  listCannedResponses,
  upsertCannedResponse,
  type CannedResponseRecord,
} from './canned-responses.js';
export { findCustomerByUserId, findTicketCustomer, type TicketCustomer } from './ticket-customer.js';
export {
  deleteHelpDeskConnection,
  findHelpDeskConnection,
  insertTicketSyncAttempt,
  listTicketSyncAttempts,
  upsertHelpDeskConnection,
  type HelpDeskConnection,
  type HelpDeskProvider,
  type TicketSyncAttempt,
  type TicketSyncOutcome,
} from './help-desk-sync.js';
export { upsertSurvey, type NewSurveyRow, type SurveyRow } from './surveys.js';
export {
  correctLatestCustomerSentiment,
  findLanguageTraits,
  findTextModel,
  listOpenTicketMessagesToRescore,
  listSentimentLabels,
  listTopicLabels,
  markTextModelQueued,
  markTextModelTraining,
  saveTextModel,
  setTextModelRescoreProgress,
  updateMessageSentiment,
  type SentimentLabelRow,
  type TextModelKind,
  type TextModelResult,
  type TextModelRow,
} from './text-models.js';
export { findTextSettings, listTopicRules, replaceTopicRules, type TopicRuleRow } from './topic-rules.js';
