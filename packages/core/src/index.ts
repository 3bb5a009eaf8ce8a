export {
  ingestionLimits,
  messageTypes,
  parseSegmentMessages,
  segmentMessageSchema,
  type MessageIssue,
  type MessageType,
  type ParseMessagesResult,
  type SegmentMessage,
} from './ingestion/segment-message.js';
export {
  correctEventTime,
  defaultEventTimeWindow,
  eventTimeOutsideWindow,
  futureTolerance,
  type EventTimeWindow,
  type MessageTimes,
} from './ingestion/event-time.js';
export { findJsonHazard, formatJsonPath, maxJsonDepth, type JsonHazard } from './ingestion/storable-json.js';
export { inferFieldType, type FieldType } from './ingestion/field-type.js';
export { ownValue, setOwnValue } from './own-keys.js';
export { applyTraits, mergeVersionedTraits, type TraitTimes, type VersionedTraits } from './ingestion/trait-merge.js';
export type { Span, Diagnostic, DiagnosticCode } from './segments/diagnostics.js';
export { diagnosticCodes } from './segments/diagnostics.js';
export { parseRule, type ParseResult } from './segments/parse.js';
export { checkRule, type CheckOptions, type CheckResult } from './segments/check.js';
export { printRule, printCondition } from './segments/print.js';
export { maxRuleTextLength, ruleTextOfIr, validateRule, type ValidateResult } from './segments/validate-rule.js';
export {
  checkPattern,
  maxPatternLength,
  maxPatternRepeat,
  patternMatches,
  postgresPattern,
  type PatternCheck,
} from './segments/pattern.js';
export {
  maxCalendarAmount,
  operatorSpecs,
  operators,
  operatorNames,
  shiftTime,
  isoTime,
  type OperatorName,
  type OperatorSpec,
  type OperandValue,
  type Zones,
} from './segments/registry.js';
export { aggregates, type AggregateInput, type AggregateSpec, type AggregateTyping } from './segments/aggregates.js';
export {
  sources,
  type PeopleSourceSpec,
  type RecordSourceSpec,
  type Row,
  type RowSourceName,
  type SourceSpec,
} from './segments/sources.js';
export { calendarBoundaryPassed, calendarBounds, calendarShifts, calendarStart, isValidTimezone } from './segments/calendar.js';
export { computedField, computedFields, registerComputedField, type ComputedFieldSpec } from './segments/computed-fields.js';
export {
  aggregateNames,
  irVersion,
  windowKind,
  type Aggregate,
  type CalendarWindow,
  type CalendarZone,
  type RollingWindow,
  type WindowKind,
  type AggregateName,
  type Condition,
  type FieldRef,
  type FieldScope,
  type SegmentRule,
  type Source,
  type Target,
  type Value,
  type Window,
} from './segments/ir.js';
export { baseFieldSchema, builtinColumns, predefinedSegmentTargets, wellKnownFields, type FieldSchema } from './segments/field-schema.js';
export { calendarUnits, sourceNames, timeUnits, type CalendarUnit, type SourceName, type TimeUnit } from './segments/ast.js';
export {
  evaluateRule,
  present,
  zonesOf,
  type AccountRecord,
  type EventRecord,
  type PersonRecord,
  type SupportRecord,
} from './segments/evaluate.js';
export { aggregateDocs, diagnosticDocs, renderRuleLanguageDoc } from './segments/rule-language-doc.js';
export { explainRule, type ConditionExplanation, type RuleExplanation } from './segments/explain.js';
export {
  ruleDependencies,
  topicMatches,
  type CalendarDependency,
  type RuleDependencies,
  type TimeLeaf,
  type TimeOffset,
} from './segments/dependencies.js';
export { inlineSegmentReferences } from './segments/inline-references.js';
export {
  businessHoursSchema,
  businessMinutesBetween,
  defaultBusinessHours,
  type BusinessHours,
  type BusinessHoursInput,
} from './support/business-hours.js';
export {
  isOpenStatus,
  npsCategory,
  ticketChannels,
  ticketPriorities,
  ticketSources,
  ticketStatuses,
  type NpsCategory,
  type TicketChannel,
  type TicketPriority,
  type TicketSource,
  type TicketStatus,
} from './support/ticket-model.js';
export {
  customerIdOf,
  monthlyAmount,
  subscriptionStatus,
  subscriptionTraits,
  toMajorUnits,
  type StripePrice,
  type StripeSubscription,
} from './billing/subscription.js';
export {
  apiKeyScopePermissions,
  apiKeyScopes,
  isRole,
  permissionKinds,
  permissions,
  permissionsOfScopes,
  rolePermissions,
  roles,
  type ApiKeyScope,
  type Permission,
  type PermissionKind,
  type Role,
} from './access/index.js';
export {
  blendedSentiment,
  builtInTopicRules,
  checkTopicRules,
  classificationQuality,
  classifiedTopic,
  crossValidate,
  labelOfScore,
  matchTopics,
  mergeTicketTopics,
  minimumPerSentimentLabel,
  minimumSentimentLabels,
  naiveBayesProbabilities,
  textFeatures,
  topicNamePattern,
  trainNaiveBayes,
  trainSentimentModel,
  trainTopicModel,
  type ClassificationQuality,
  type LabelledFeatures,
  type NaiveBayesModel,
  type SentimentExample,
  type SentimentTraining,
  type TopicRule,
  type TopicExample,
  type TopicRuleIssue,
  type TopicTraining,
} from './text/index.js';
export {
  assessOnLaterPeriod,
  brierScore,
  calibrationByDecile,
  churnWarnings,
  crossValidateChurnModel,
  findLeaks,
  fitLogisticRegression,
  labelledTableExamples,
  leakAucThreshold,
  liftTopDecile,
  logisticProbability,
  predictChurn,
  probabilityQuality,
  rocAuc,
  trainChurnModel,
  type CalibrationBin,
  type ChurnAssessment,
  type ChurnModel,
  type ChurnPrediction,
  type ChurnWarning,
  type ChurnWarningCode,
  type Contribution,
  type FeatureRow,
  type FeatureSpec,
  type FeatureValue,
  type LabelledExamples,
  type Leak,
  type ProbabilityQuality,
  type TableIssue,
} from './churn/index.js';
export {
  bandOf,
  checkMeasureExpression,
  defaultHealthModel,
  defaultHealthModelKey,
  defaultQuadrantThresholds,
  defaultValueModel,
  quadrantOf,
  quadrants,
  valueModelKey,
  type Quadrant,
  type QuadrantThresholds,
  evaluateMeasure,
  healthMethods,
  healthTopic,
  healthTrend,
  registerHealthFields,
  missingPolicies,
  scoreHealth,
  scoreValue,
  validateHealthModel,
  type ArithmeticOperator,
  type HealthBand,
  type HealthMethod,
  type HealthModel,
  type HealthModelInput,
  type HealthModelIssue,
  type HealthResult,
  type MeasureDefinition,
  type MeasureProgram,
  type MeasureResult,
  type MeasureScoring,
  type MissingPolicy,
  type NumberExpression,
} from './health/index.js';
export {
  checkLifecycleStages,
  defaultLifecycleStageRules,
  lifecycleSegmentKey,
  lifecycleSegmentRule,
  lifecycleStages,
  mrrChangeAt,
  mrrChangeDays,
  registerLifecycleStageField,
  registerMrrChangeField,
  type LifecycleStage,
  type LifecycleStageIssue,
  type LifecycleStageRule,
  type MrrPoint,
} from './lifecycle/index.js';
