export { deleteHealthModel, findHealthModel, listHealthModels, saveHealthModel, type StoredHealthModel } from './health-models.js';
export {
  findProfileHealth,
  healthScoresOn,
  listHealthDays,
  saveProfileHealth,
  saveHealthDays,
  type ProfileHealthRow,
  type HealthDay,
} from './profile-health.js';
export { readHealthBandChangesAfter, recordHealthBandChanges, type HealthBandChange, type LoggedHealthBandChange } from './band-changes.js';
export { listManualHealthValues, saveManualHealthValue, type ManualHealthValue } from './manual-values.js';
export { findHealthRecompute, saveHealthRecompute, type HealthRecompute } from './health-recomputes.js';
export { loadHealthColumns, readQuadrantThresholds, registerHealthFieldSql, writeQuadrantThresholds } from './health-field-sql.js';
export { claimHealthWork, queueHealthWork, readHealthBacklog } from './health-work.js';
