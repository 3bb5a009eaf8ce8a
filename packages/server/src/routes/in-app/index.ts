export { registerInAppRoutes } from './in-app-routes.js';
export { registerInAppSettingsRoutes } from './in-app-settings-routes.js';
export { inAppUserHash } from './user-hash.js';
