export { registerIngestionRoutes } from './ingestion.js';
export { registerIngestionSettingsRoutes } from './ingestion-settings-routes.js';
export type { IngestionRouteDeps } from './accept-messages.js';
export { admitBrowser } from './accept-messages.js';
