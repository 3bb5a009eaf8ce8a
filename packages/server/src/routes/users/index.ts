export { registerAuthRoutes } from './auth-routes.js';
export { registerUserRoutes } from './user-routes.js';
export { bootstrapOwner } from './bootstrap-owner.js';
export { minimumPasswordLength, newPasswordSchema } from './passwords.js';
