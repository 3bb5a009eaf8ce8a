export { ingestMessages, type IngestRequest, type IngestResult } from './ingestion/ingest-messages.js';
export { loadSampleData, type LoadSampleOptions, type LoadSampleResult } from './generate/load-sample-data.js';
export { generateAccounts, sampleSizes, type SampleSize } from './generate/sample-company.js';
export { importRows, type ImportOptions, type ImportReport } from './import/import-rows.js';
export {
  coerceCell,
  importKinds,
  parseCsvTime,
  rowToMessage,
  type ImportKind,
  type ImportMapping,
  type ImportRow,
} from './import/row-to-message.js';
