export { registerAnalyticsSettingsRoutes } from './analytics-settings-routes.js';
export { registerCompareRoutes } from './compare-routes.js';
export { registerOverlapWarningRoutes } from './overlap-warnings-routes.js';
export { registerSegmentMetricsRoutes } from './segment-metrics-routes.js';
export { registerSnapshotRoutes } from './snapshot-routes.js';
export { registerSuggestionRoutes } from './suggestion-routes.js';
