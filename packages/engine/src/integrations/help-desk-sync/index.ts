export { HelpDeskConnectionInputError, saveHelpDeskConnection } from './help-desk-connections.js';
export { helpDeskDefinitions, helpDeskProviders, isHelpDeskProvider } from './help-desk-providers.js';
export { retryAfterSeconds, type HelpDeskUpdate, type SendRequest, type SyncCallResult } from './sync-call.js';
export { syncZendeskTicket, type ZendeskCredentials } from './zendesk-sync.js';
export { syncFreshdeskTicket, type FreshdeskCredentials } from './freshdesk-sync.js';
export { intercomVersion, syncIntercomConversation, type IntercomCredentials } from './intercom-sync.js';
export { syncTicketTask, rateLimitedRetries, syncAttempts } from './sync-ticket-task.js';
export { syncTicketDecision, type TicketDecisionSync } from './sync-ticket-decision.js';
