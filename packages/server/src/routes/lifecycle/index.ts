export { registerLifecycleRoutes } from './lifecycle-settings.js';
