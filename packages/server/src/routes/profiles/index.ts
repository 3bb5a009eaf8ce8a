export { registerProfileRoutes } from './profiles.js';
export { registerCustomerRoutes } from './customer-routes.js';
