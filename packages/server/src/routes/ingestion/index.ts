export { registerIngestionRoutes, type IngestionRouteDeps } from './ingestion.js';
