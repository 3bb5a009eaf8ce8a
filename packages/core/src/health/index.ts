export {
  healthMethods,
  missingPolicies,
  type HealthBand,
  type HealthMethod,
  type HealthModel,
  type MeasureDefinition,
  type MeasureScoring,
  type MissingPolicy,
} from './health-model.js';
export {
  checkMeasureExpression,
  evaluateMeasure,
  type ArithmeticOperator,
  type MeasureProgram,
  type NumberExpression,
} from './measure-expression.js';
export { bandOf, healthTrend, scoreHealth, scoreValue, type HealthResult, type MeasureResult } from './score-health.js';
export { validateHealthModel, type HealthModelInput, type HealthModelIssue } from './validate-health-model.js';
export { defaultHealthModel, defaultHealthModelKey } from './default-health-model.js';
export { healthTopic, peopleHealthModelKey, registerHealthFields } from './health-fields.js';
export {
  defaultQuadrantThresholds,
  defaultValueModel,
  quadrantOf,
  quadrants,
  valueModelKey,
  type Quadrant,
  type QuadrantThresholds,
} from './quadrant.js';
