export { registerAccountHealthRoutes } from './account-health.js';
export { registerHealthModelRoutes } from './health-models.js';
export { registerPersonHealthRoutes } from './person-health.js';
export { registerQuadrantRoutes } from './quadrant.js';
