export { registerPeoplePrivacyRoutes } from './people-privacy-routes.js';
export { registerRetentionRoutes } from './retention-routes.js';
