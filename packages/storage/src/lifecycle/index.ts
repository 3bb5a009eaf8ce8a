export { mrrChangeSql, readMrrHistory, recordMrrChanges, type MrrChange } from './mrr-history.js';
