export { registerMembershipWebhookRoutes } from './membership-webhook-routes.js';
