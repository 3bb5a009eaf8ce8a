export { deleteIntegration, findIntegration, findIntegrationByToken, upsertIntegration, type IntegrationRow } from './integrations.js';
