export { advanceEnrolment, advanceEnrolmentTask, enrolmentAttempts, scheduleEnrolment } from './advance-enrolment.js';
export {
  checkPlaybook,
  type CheckedPlaybook,
  type PlaybookInput,
  type PlaybookIssue,
  type PlaybookStepInput,
} from './playbook-checking.js';
export { playbookEnrolments } from './segment-enrolments.js';
export { deliverPlaybookEmailTask, emailDeliveryAttempts } from './deliver-playbook-email.js';
export { emailMessageId } from './playbook-email-step.js';
export { failPlaybookStep, resumePlaybookStep } from './playbook-webhook.js';
