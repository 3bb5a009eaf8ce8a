export { readEmailSettings, writeEmailSettings, type EmailSettings, type FrequencyCap } from './email-settings.js';
export {
  claimOutboxEmail,
  countOutboxEmails,
  findOutboxEmail,
  insertOutboxEmail,
  listMarketingEmailTimes,
  lockPersonEmail,
  recordOutboxAttempt,
  requeueOutboxEmail,
  type OutboxEmail,
  type OutboxMessage,
} from './email-outbox.js';
export {
  deleteEmailSuppression,
  findEmailSuppression,
  listEmailSuppressions,
  normalEmail,
  suppressEmail,
  type EmailSuppression,
} from './email-suppressions.js';
