export {
  deleteIntegration,
  findIntegration,
  findIntegrationByToken,
  listIntegrations,
  maxDeliveryErrorLength,
  recordWebhookDelivery,
  upsertIntegration,
  type IntegrationRow,
} from './integrations.js';
