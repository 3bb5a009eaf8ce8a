export { registerIntegrationRoutes } from './integrations.js';
export { registerWebhookRoutes } from './provider-webhooks.js';
