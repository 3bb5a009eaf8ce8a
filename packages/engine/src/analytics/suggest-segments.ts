import type { Target } from '@strata/core';
import { loadFieldSchema, type WorkspaceScope } from '@strata/storage';
import { thresholdsForCluster } from './cluster-rule.js';
import { chooseFeatures, loadFeatureMatrix, maxSampledProfiles, sampleProfileIds } from './feature-matrix.js';
import { bestClustering, clusteringPoints, kRange } from './kmeans-clusters.js';
import { suggestionOf, type Suggestion } from './suggestion.js';

export interface KmeansRequest {
  target: Target;
  /** Feature keys; all the workspace offers when absent. */
  features?: readonly string[] | undefined;
  /** Number of clusters; chosen by silhouette among `kRange` when absent. */
  k?: number | undefined;
  seed?: number | undefined;
}

/** The largest k a request may ask for. */
export const maxK = 12;

/** A request the engine cannot answer, naming the field at fault (the server answers 400). */
export type SuggestionProblem =
  | { code: 'unknown-feature'; field: 'features'; unknown: string[]; known: string[] }
  | { code: 'k-out-of-range'; field: 'k'; k: number; max: number }
  | { code: 'unknown-event'; field: 'event'; event: string };

export type SuggestionOutcome = { ok: true; value: KmeansSuggestions } | { ok: false; problem: SuggestionProblem };

export interface KmeansSuggestions {
  suggestions: Suggestion[];
  k: number;
  silhouette: number;
  sampled: number;
}

/**
 * Suggests segments by k-means over a deterministic sample of profiles (at most
 * `maxSampledProfiles`): standardised features, k-means++ with restarts, k by silhouette when not
 * given; each cluster becomes a rule of at most three thresholds with its fidelity to the cluster.
 * The same seed and data give the same answer.
 */
export async function suggestKmeansSegments(scope: WorkspaceScope, request: KmeansRequest): Promise<SuggestionOutcome> {
  const seed = request.seed ?? 1;
  const chosen = await chooseFeatures(scope, request.target, request.features);
  if (!chosen.ok)
    return { ok: false, problem: { code: 'unknown-feature', field: 'features', unknown: chosen.unknown, known: chosen.known } };
  if (request.k !== undefined && (request.k < kRange.min || request.k > maxK))
    return { ok: false, problem: { code: 'k-out-of-range', field: 'k', k: request.k, max: maxK } };
  const ids = await sampleProfileIds(scope, request.target, maxSampledProfiles, seed);
  const empty: KmeansSuggestions = { suggestions: [], k: 0, silhouette: 0, sampled: ids.length };
  const k = request.k;
  // Fewer profiles than clusters plus one leave nothing to compare: no suggestion, not an error.
  if (ids.length <= (k ?? kRange.min) || chosen.features.length === 0) return { ok: true, value: empty };
  const matrix = await loadFeatureMatrix(scope, request.target, chosen.features, ids);
  const points = clusteringPoints(matrix.features, matrix.values);
  const clustering = bestClustering(points, seed, k);
  const schema = await loadFieldSchema(scope);
  const now = scope.clock();
  const suggestions: Suggestion[] = [];
  for (let cluster = 0; cluster < clustering.k; cluster++) {
    const inCluster = clustering.clusters.map((c) => c === cluster);
    const thresholds = thresholdsForCluster(matrix.features, matrix.values, inCluster);
    // A cluster no threshold narrows down (it is nearly everyone) has no rule to suggest.
    if (thresholds.length === 0) continue;
    suggestions.push(suggestionOf(matrix, inCluster, thresholds, { schema, now, method: 'kmeans' }));
  }
  // Largest first; groups of one size by rule text, since the clusters' own numbering follows the
  // sample's order, which the seed changes, and the same groups should come back in the same order.
  suggestions.sort((a, b) => b.size - a.size || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return { ok: true, value: { suggestions, k: clustering.k, silhouette: clustering.silhouette, sampled: matrix.records.length } };
}
