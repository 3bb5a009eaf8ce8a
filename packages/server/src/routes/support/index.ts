export { registerCannedResponseRoutes } from './canned-responses.js';
export { registerSurveyPages } from './survey-pages.js';
export { registerSurveyRoutes } from './surveys.js';
export { registerTicketRoutes } from './tickets.js';
export { registerTextModelRoutes } from './text-models.js';
export { idParams, refOf, sourceQuery } from './ticket-schemas.js';
export { registerTicketDecisionRoutes } from './ticket-decisions.js';
