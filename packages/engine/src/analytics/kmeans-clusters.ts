import { kmeans } from 'ml-kmeans';
import type { SuggestionFeature } from './suggestion-features.js';

/** The points clustering sees: each feature on its scale (`log` as log(1 + x), negatives as 0), then standardised. */
export function clusteringPoints(features: readonly SuggestionFeature[], values: ReadonlyArray<ReadonlyArray<number | null>>): number[][] {
  const scaled = values.map((row) => row.map((v, f) => (v === null || features[f]?.scale !== 'log' ? v : Math.log1p(Math.max(0, v)))));
  return standardise(scaled);
}

/** Feature values scaled to mean 0 and standard deviation 1; a missing value becomes the mean (0). */
export function standardise(values: ReadonlyArray<ReadonlyArray<number | null>>): number[][] {
  const columns = values[0]?.length ?? 0;
  const scaled = values.map(() => new Array<number>(columns).fill(0));
  for (let c = 0; c < columns; c++) {
    const present = values.map((row) => row[c]).filter((v): v is number => v !== null && v !== undefined);
    if (present.length === 0) continue;
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    const sd = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
    // A constant column says nothing: it stays 0 rather than dividing by 0.
    if (sd === 0) continue;
    for (const [r, row] of values.entries()) {
      const v = row[c];
      if (v !== null && v !== undefined) scaled[r]![c] = (v - mean) / sd;
    }
  }
  return scaled;
}

const squaredDistance = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + (x - b[i]!) ** 2, 0);

/** Restarts of k-means++ per k; the one with the least inertia is kept, which makes the result stable across seeds. */
export const kmeansRestarts = 32;

export interface Clustering {
  k: number;
  /** The cluster of each point, numbered by size (0 the largest), ties by first point. */
  clusters: number[];
  inertia: number;
}

/** k-means++ with `kmeansRestarts` restarts from seeds derived from `seed`, keeping the least inertia. */
export function clusterPoints(points: number[][], k: number, seed: number): Clustering {
  let best: Clustering | undefined;
  for (let restart = 0; restart < kmeansRestarts; restart++) {
    const result = kmeans(points, k, { initialization: 'kmeans++', seed: seed * 7919 + restart, maxIterations: 200 });
    const inertia = points.reduce((sum, p, i) => sum + squaredDistance(p, result.centroids[result.clusters[i]!]!), 0);
    if (!best || inertia < best.inertia - 1e-9) best = { k, clusters: result.clusters, inertia };
  }
  return { ...best!, clusters: numberBySize(best!.clusters, k) };
}

function numberBySize(clusters: number[], k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  const first = new Array<number>(k).fill(Number.POSITIVE_INFINITY);
  for (const [i, c] of clusters.entries()) {
    sizes[c]!++;
    first[c] = Math.min(first[c]!, i);
  }
  const order = [...sizes.keys()].sort((a, b) => sizes[b]! - sizes[a]! || first[a]! - first[b]!);
  const rank = new Map(order.map((c, r) => [c, r]));
  return clusters.map((c) => rank.get(c)!);
}

/**
 * Mean silhouette (Rousseeuw 1987) over Euclidean distance: for each point, a = mean distance to
 * the rest of its cluster, b = least mean distance to another cluster, s = (b - a) / max(a, b);
 * a point alone in its cluster scores 0. From -1 to 1; higher means better separated clusters.
 */
export function silhouette(points: ReadonlyArray<readonly number[]>, clusters: readonly number[]): number {
  const k = Math.max(...clusters) + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const c of clusters) sizes[c]!++;
  let total = 0;
  for (const [i, p] of points.entries()) {
    const own = clusters[i]!;
    if (sizes[own]! <= 1) continue;
    const sums = new Array<number>(k).fill(0);
    for (const [j, q] of points.entries()) if (j !== i) sums[clusters[j]!]! += Math.sqrt(squaredDistance(p, q));
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (b === Number.POSITIVE_INFINITY) continue;
    total += (b - a) / Math.max(a, b);
  }
  return total / points.length;
}

/** Silhouette is quadratic in points: it is measured on at most this many (an evenly spaced subset). */
const silhouettePoints = 800;

/** The silhouette of a clustering, on an evenly spaced subset of at most `silhouettePoints` points. */
export function sampledSilhouette(points: number[][], clusters: number[]): number {
  const step = Math.max(1, Math.ceil(points.length / silhouettePoints));
  const pick = points.map((_, i) => i).filter((i) => i % step === 0);
  return silhouette(
    pick.map((i) => points[i]!),
    pick.map((i) => clusters[i]!),
  );
}

/** The k tried when none is given. */
export const kRange = { min: 2, max: 8 } as const;

/** Clusters for each k of `kRange` (or the given k) and keeps the highest silhouette. */
export function bestClustering(points: number[][], seed: number, k?: number): Clustering & { silhouette: number } {
  let best: (Clustering & { silhouette: number }) | undefined;
  const ks = k === undefined ? range(kRange.min, Math.min(kRange.max, points.length - 1)) : [k];
  for (const candidate of ks) {
    const clustering = clusterPoints(points, candidate, seed);
    const score = sampledSilhouette(points, clustering.clusters);
    if (!best || score > best.silhouette + 1e-9) best = { ...clustering, silhouette: score };
  }
  return best!;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
