export { registerMetricsRoute } from './metrics.js';
export { registerSystemRoutes } from './system-routes.js';
export { defaultMetricsAllow, metricsAllowProblem, type MetricsAccess } from './metrics-access.js';
