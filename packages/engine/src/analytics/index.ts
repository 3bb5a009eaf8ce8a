export {
  suggestKmeansSegments,
  maxK,
  type KmeansRequest,
  type KmeansSuggestions,
  type SuggestionOutcome,
  type SuggestionProblem,
} from './suggest-segments.js';
export { maxSampledProfiles } from './feature-matrix.js';
export { silhouette, kRange } from './kmeans-clusters.js';
export type { Suggestion, Distinguishing } from './suggestion.js';
export { suggestRfmSegments, defaultRfmEvent, quintileScores, type RfmRequest } from './rfm-segments.js';
export {
  mixedSegmentWarnings,
  mixedSegmentDefaults,
  type MixedSegmentOptions,
  type MixedSegmentWarning,
} from './mixed-segment-warnings.js';
