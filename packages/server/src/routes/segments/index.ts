export { registerSegmentRoutes } from './segments.js';
export { registerSegmentRuleRoutes } from './segment-rules.js';
export { registerSegmentMemberRoutes } from './segment-members.js';
export { registerSegmentActivityRoutes } from './segment-activity.js';
export { registerSegmentExportRoutes } from './segment-export.js';
export { registerManualMemberRoutes } from './manual-members.js';
