export { registerHelpDeskSyncRoutes } from './help-desk-sync-routes.js';
export { registerIntegrationRoutes } from './integrations.js';
export { registerWebhookRoutes } from './provider-webhooks.js';
export { registerHelpDeskWebhookRoutes } from './helpdesk-webhook-routes.js';
