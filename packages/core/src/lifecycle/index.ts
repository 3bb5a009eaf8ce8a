export { mrrChangeDays, registerMrrChangeField } from './mrr-change.js';
