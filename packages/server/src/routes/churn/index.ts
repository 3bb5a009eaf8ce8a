export { registerChurnRoutes } from './churn-routes.js';
