export { insertInAppMessage, listPendingInAppMessages, markInAppMessage, type InAppCta, type InAppMessage } from './in-app-messages.js';
export { findInAppSecret, saveInAppSecret } from './in-app-secrets.js';
