export { registerWorkspaceRoutes } from './workspace-routes.js';
