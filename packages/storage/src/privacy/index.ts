export { erasePersonRows, type ErasedRows } from './erase-person-rows.js';
export { findPersonIdentifiers, type PersonIdentifiers } from './person-identifiers.js';
export { personExportSections, type ExportSection } from './person-export.js';
export { addSuppressions, findSuppressed, hasSuppressions } from './suppressions.js';
export { applyEventRetention, readEventRetention, writeEventRetention, type RetentionOutcome } from './event-retention.js';
