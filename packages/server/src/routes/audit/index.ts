export { auditActor, auditBy } from './audit-by.js';
export { registerAuditRoutes } from './audit-routes.js';
