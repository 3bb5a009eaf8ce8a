export { registerProfileRoutes } from './profiles.js';
