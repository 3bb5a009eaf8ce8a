export { registerPlaybookRoutes } from './playbook-routes.js';
export { registerPlaybookRunRoutes } from './run-routes.js';
export { registerCsmTaskRoutes } from './task-routes.js';
export { registerPlaybookExperimentRoutes } from './experiment-routes.js';
export { frequencyCap } from './email-step-schemas.js';
export { registerPredefinedPlaybookRoutes } from './predefined-routes.js';
