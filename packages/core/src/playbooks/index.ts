export {
  experimentGoalMetrics,
  waitMilliseconds,
  type ExperimentArm,
  type ExperimentGoal,
  type ExperimentGoalMetric,
  type PlaybookExperiment,
  triggerSegment,
  type EventPropertyValue,
  type Playbook,
  type PlaybookDefinition,
  type PlaybookStep,
  type PlaybookStepType,
  type PlaybookTrigger,
  type PlaybookTriggerKind,
  type QuietHours,
  type StoredRule,
} from './playbook-model.js';
export { enterBranch, firstStep, stepAfter, stepAt, type StepPath } from './step-path.js';
export { nextLocalTime } from './local-time.js';
export { assignArm, assignmentBucket, holdoutArm, stepsOf } from './experiment-assignment.js';
export { quietHoursEnd } from './quiet-hours.js';
