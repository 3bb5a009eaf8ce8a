export { advanceEnrolment, advanceEnrolmentTask, enrolmentAttempts, scheduleEnrolment } from './advance-enrolment.js';
export {
  checkPlaybook,
  type CheckedPlaybook,
  type PlaybookInput,
  type PlaybookIssue,
  type PlaybookStepInput,
} from './playbook-checking.js';
export { playbookEnrolments } from './segment-enrolments.js';
export { checkExperimentGoalTask, recordReachedGoals } from './experiment-goal.js';
export { defaultGoalDays, type ExperimentInput } from './experiment-checking.js';
export {
  readExperiment,
  type ArmReadout,
  type ExperimentNumbers,
  type ExperimentWarning,
  type GroupNumbers,
  type MeasuredGroup,
} from './experiment-readout.js';
export { defaultConversionEvent, playbookExperimentReadout, type PlaybookExperimentReadout } from './playbook-experiment.js';
export { pollPlaybookTriggers, playbookTriggersTask, type TriggerPass } from './playbook-triggers-task.js';
export { cronProblem, enrollFromSchedules, latestCronTime } from './schedule-enrolments.js';
export { deliverPlaybookEmailTask, emailDeliveryAttempts, staleEmailClaimMs } from './deliver-playbook-email.js';
export { emailMessageId } from './playbook-email-step.js';
export { failPlaybookStep, resumePlaybookStep } from './playbook-webhook.js';
export { installPredefinedPlaybook, predefinedPlaybooks, type InstallOutcome, type PredefinedPlaybook } from './predefined-playbooks.js';
