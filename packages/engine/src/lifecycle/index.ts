export { ensureLifecycleFieldsRegistered } from './lifecycle-fields.js';
export { saveLifecycleStages } from './lifecycle-stages.js';
