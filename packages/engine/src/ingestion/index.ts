export { ingestMessages, type IngestLimits, type IngestRequest, type IngestResult } from './ingest-messages.js';
export { IngestionRefusedError, type RefusalIssue } from './ingestion-refused.js';
export { createFieldSightings } from './field-sightings.js';
export { withTransactionRetry } from './transaction-retry.js';
