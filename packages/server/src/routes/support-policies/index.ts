export { decisionSchema } from './policy-schemas.js';
export { registerSlaPolicyRoutes } from './sla-policy-routes.js';
export { registerSupportPolicyRoutes } from './support-policy-routes.js';
export { registerEntitlementRoutes } from './entitlement-routes.js';
