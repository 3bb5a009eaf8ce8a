export { registerHelpDeskSyncRoutes } from './help-desk-sync-routes.js';
export { registerIntegrationRoutes } from './integrations.js';
export { registerWebhookRoutes } from './provider-webhooks.js';
