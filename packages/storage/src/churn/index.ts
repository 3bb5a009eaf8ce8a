export { accountChurnFeatures, churnLabelTraits, traitChurnFeature, type ChurnFeature } from './churn-features.js';
export {
  churnedByTraits,
  churnHorizonDays,
  findEarliestAccountStart,
  listAccountFeatures,
  listChurnExamples,
  listChurnFeatures,
  type AccountFeatures,
  type ChurnLabel,
} from './churn-examples.js';
export {
  findChurnModel,
  markChurnModelFailed,
  markChurnModelQueued,
  markChurnModelTraining,
  saveChurnModel,
  setChurnScoringProgress,
  type ChurnModelAssessment,
  type ChurnModelRecord,
} from './churn-models.js';
export { deleteChurnScoresExcept, findChurnScoreByGroupId, upsertChurnScores, type ChurnBand, type ChurnScore } from './churn-scores.js';
export { churnRiskSql } from './churn-risk-sql.js';
