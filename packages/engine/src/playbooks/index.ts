export { advanceEnrolment, advanceEnrolmentTask, enrolmentAttempts, scheduleEnrolment } from './advance-enrolment.js';
export {
  checkPlaybook,
  type CheckedPlaybook,
  type PlaybookInput,
  type PlaybookIssue,
  type PlaybookStepInput,
} from './playbook-checking.js';
export { playbookEnrolments } from './segment-enrolments.js';
export { pollPlaybookTriggers, playbookTriggersTask, type TriggerPass } from './playbook-triggers-task.js';
export { cronProblem, latestCronTime } from './schedule-enrolments.js';
