export { ensureHealthFieldsRegistered } from './health-fields.js';
export {
  deleteHealthModel,
  modelReadingRule,
  putHealthModel,
  workspaceHealthModel,
  workspaceHealthModels,
  type WorkspaceHealthModel,
} from './health-models.js';
export {
  loadHealthRecords,
  recomputeHealth,
  scoreAccount,
  scoreProfile,
  trendDays,
  utcDay,
  workspaceTimezone,
  type ProfileHealth,
} from './compute-health.js';
export { queueHealthForWork, scoreQueuedHealth } from './live-health.js';
export { personAsOf, recordAsOf, recomputeProfileHistory } from './health-history.js';
export {
  historyDays,
  recomputeHealthHistory,
  recomputeHealthHistoryTask,
  refreshHealthTask,
  requestHealthRecompute,
  rescoreWorkspace,
} from './health-tasks.js';
export { previewHealthModel, previewSampleSize, type HealthModelPreview } from './preview-health-model.js';
export { quadrantPoints, type QuadrantPoint } from './quadrant.js';
