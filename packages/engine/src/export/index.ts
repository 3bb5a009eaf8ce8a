export { csvCell, csvLine } from './csv-cell.js';
export { exportColumns, exportPageSize, segmentMembersCsv, type ExportColumns } from './segment-members-csv.js';
