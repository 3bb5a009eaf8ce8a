export {
  deletePlaybook,
  findPlaybook,
  findPlaybookVersion,
  listPlaybooks,
  listWorkspacesWithPlaybooksOn,
  savePlaybook,
  type StoredPlaybook,
} from './playbooks.js';
export { enrollPerson, listEnrolments, lockEnrolment, moveEnrolment, type EnrolmentFilter, type PlaybookEnrolment } from './enrolments.js';
export { listStepRuns, recordStepRun, type StepRun } from './step-runs.js';
export { insertCsmTask, listCsmTasks, setCsmTaskStatus, type CsmTask } from './csm-tasks.js';
export { countPlaybookActivity, type PlaybookCounts } from './playbook-counts.js';
export { listAccountPeopleIds } from './account-people.js';
export {
  listExperimentEnrolments,
  listPlaybookVersions,
  lockExperimentEnrolment,
  markGoalReached,
  type ExperimentEnrolment,
} from './experiment-enrolments.js';
export { measureEnrolments, type EnrolmentOutcome } from './experiment-outcomes.js';
export { readTrackedEventsAfter, takeEventHorizon, type TriggeringEvent } from './tracked-events-after.js';
export { readTicketSolutionsAfter, type TicketSolution } from './ticket-solutions-after.js';
export { findScheduleTick, saveScheduleTick, type ScheduleTick } from './schedule-ticks.js';
export { listScheduledPeopleIds } from './scheduled-people.js';
