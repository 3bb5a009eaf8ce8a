export { chargebeeCredentials, type ChargebeeCredentials } from './chargebee.js';
export { SecretBox, parseMasterKey } from './secret-box.js';
export { configureIntegration, resolveWebhookTarget } from './integrations.js';
export { providerNames, webhookProviders, type ProviderName } from './providers.js';
export { maxSignatureAgeSeconds, type SignatureCheck, type SignatureFailure } from './signatures.js';
export type { WebhookProvider, WebhookResult } from './webhook-provider.js';
export {
  HelpDeskConnectionInputError,
  helpDeskProviders,
  intercomVersion,
  isHelpDeskProvider,
  rateLimitedRetries,
  retryAfterSeconds,
  saveHelpDeskConnection,
  syncAttempts,
  syncFreshdeskTicket,
  syncIntercomConversation,
  syncTicketDecision,
  syncTicketTask,
  syncZendeskTicket,
  type HelpDeskUpdate,
  type TicketDecisionSync,
} from './help-desk-sync/index.js';
export {
  buildHelpDeskWebhook,
  helpDeskIntegrationName,
  helpDeskKeyPattern,
  helpDeskPresetNames,
  helpDeskWebhookInput,
  helpDeskWebhookProvider,
  reservedHelpDeskKeys,
  type ConfigIssue,
  type HelpDeskWebhookConfig,
  type HelpDeskWebhookInput,
} from './webhook-helpdesk/index.js';
