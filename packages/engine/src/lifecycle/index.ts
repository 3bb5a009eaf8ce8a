export { ensureLifecycleFieldsRegistered } from './lifecycle-fields.js';
