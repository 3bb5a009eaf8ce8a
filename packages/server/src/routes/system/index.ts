export { registerMetricsRoute } from './metrics.js';
export { registerSystemRoutes } from './system-routes.js';
