export { registerKeyRoutes } from './key-routes.js';
