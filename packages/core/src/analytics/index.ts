export { analyticsSettingsOf, defaultAnalyticsSettings, type AnalyticsSettings } from './analytics-settings.js';
export {
  retentionWindows,
  type DurationQuantiles,
  type PeriodFacts,
  type RetentionCohort,
  type RetentionWindow,
} from './metric-components.js';
export {
  clvAssumption,
  findMetric,
  metricDefinitions,
  metricKeys,
  metricValues,
  type MetricDefinition,
  type MetricKind,
  type MetricSample,
} from './metric-registry.js';
export { segmentOverlap, type SegmentOverlap, type SegmentSize, type SharedMembers } from './segment-overlap.js';
export { findWarnings, warningRules } from './warnings/warning-rules.js';
export type { AnalyticsWarning, WarnedSegment, WarningFacts, WarningRule } from './warnings/warning-model.js';
export {
  addDays,
  calendarDayOf,
  daysBetween,
  metricIntervals,
  metricPeriods,
  parseCalendarDay,
  type MetricInterval,
  type MetricPeriod,
} from './periods.js';
