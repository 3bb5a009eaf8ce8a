export { churnBandBounds, churnBandOf } from './churn-bands.js';
export { churnRiskTopic, ensureChurnRiskFieldRegistered } from './churn-risk-field.js';
export { trainWorkspaceChurnModel, type ChurnTrainingOutcome } from './train-churn-model.js';
export { requestChurnTraining, trainChurnModelTask } from './train-churn-model-task.js';
