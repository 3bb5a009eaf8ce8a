export { mrrChangeSql, readMrrHistory, recordMrrChanges, type MrrChange } from './mrr-history.js';
export { lifecycleStageSql, readLifecycleStages, writeLifecycleStages } from './lifecycle-stages.js';
