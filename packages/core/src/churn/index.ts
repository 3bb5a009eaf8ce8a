export { assessOnLaterPeriod, crossValidateChurnModel, type ChurnAssessment, type LabelledExamples } from './assess-churn-model.js';
export { chooseL2, l2Candidates, logLoss } from './choose-penalty.js';
export { defaultL2, predictChurn, trainChurnModel, type ChurnModel, type ChurnPrediction, type Contribution } from './churn-model.js';
export { type FeatureEncoding, type FeatureRow, type FeatureSpec, type FeatureValue } from './feature-encoding.js';
export { labelledTableExamples, type TableIssue, type TableOptions } from './labelled-table.js';
export { findIdentifiers, findLeaks, leakAucThreshold, singleFeatureAuc, type Leak } from './leakage.js';
export { fitLogisticRegression, logisticProbability, type LogisticCoefficients } from './logistic-regression.js';
export {
  brierScore,
  calibrationByDecile,
  liftTopDecile,
  probabilityQuality,
  rocAuc,
  type CalibrationBin,
  type ProbabilityQuality,
} from './metrics.js';
export { churnWarnings, minimumUsefulAuc, type ChurnWarning, type ChurnWarningCode } from './quality-warnings.js';
