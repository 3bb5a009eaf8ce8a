export { registerEmailSettingsRoutes } from './email-settings-routes.js';
export { registerRenderEmailRoute } from './render-email-route.js';
export { registerSuppressionRoutes } from './suppression-routes.js';
export { registerUnsubscribePages } from './unsubscribe-pages.js';
