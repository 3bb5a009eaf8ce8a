export { importRows, type ImportOptions, type ImportReport } from './import-rows.js';
export {
  coerceCell,
  importKinds,
  normaliseSpreadsheetId,
  rowToMessage,
  type ImportKind,
  type ImportMapping,
  type ImportRow,
} from './row-to-message.js';
export { ColumnTypeInference, coerceTypedCell, columnTypes, inferColumnTypes, parseCsvTime, type ColumnType } from './column-types.js';
export { detectCrmPreset, domainOf, type CrmPreset } from './crm-presets.js';
