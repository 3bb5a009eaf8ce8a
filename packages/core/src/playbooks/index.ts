export {
  waitMilliseconds,
  type Playbook,
  type PlaybookDefinition,
  type PlaybookStep,
  type PlaybookStepType,
  type PlaybookTrigger,
  type QuietHours,
  type StoredRule,
} from './playbook-model.js';
export { enterBranch, firstStep, stepAfter, stepAt, type StepPath } from './step-path.js';
export { nextLocalTime } from './local-time.js';
export { quietHoursEnd } from './quiet-hours.js';
