export { buildHelpDeskWebhook, type ConfigIssue } from './build-config.js';
export {
  helpDeskKeyPattern,
  helpDeskPresetNames,
  helpDeskWebhookInput,
  reservedHelpDeskKeys,
  type HelpDeskWebhookConfig,
  type HelpDeskWebhookInput,
} from './helpdesk-config.js';
export { helpDeskIntegrationName, helpDeskWebhookProvider } from './helpdesk-provider.js';
export { mapDelivery } from './map-ticket.js';
