export { findAnalyticsBackfill, saveAnalyticsBackfill, type AnalyticsBackfill } from './analytics-backfills.js';
export { readAnalyticsSettings, writeAnalyticsSettings } from './analytics-settings.js';
export { readMetricDays, saveMetricDays, type MetricDay } from './metric-days.js';
export { periodFactsStatement, readPeriodFacts, type Period, type Population } from './period-facts.js';
export { listActiveSegmentRules, listSegmentScopedThings, type SegmentScopedThing } from './segment-readers.js';
export { listSegmentSizes, listSharedMembers, readCoverage } from './segment-overlap.js';
