export * from './webhook-settings.js';
export * from './webhook-payload.js';
export * from './membership-webhooks.js';
export * from './deliver-webhook.js';
export * from './prune-webhook-messages.js';
