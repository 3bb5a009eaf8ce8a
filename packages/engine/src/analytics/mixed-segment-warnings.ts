import { sql, type Kysely } from 'kysely';
import { validateRule } from '@strata/core';
import { listSegments, loadFieldSchema, workspaceScope, type Database, type WorkspaceScope } from '@strata/storage';
import { thresholdsForCluster, thresholdText } from './cluster-rule.js';
import { chooseFeatures, loadFeatureMatrix, maxSampledProfiles } from './feature-matrix.js';
import { clusteringPoints, clusterPoints, sampledSilhouette } from './kmeans-clusters.js';

/** A segment whose members fall into two clearly different groups, with the two rules that would split it. */
export interface MixedSegmentWarning {
  code: 'mixed';
  segments: [string];
  message: string;
  silhouette: number;
  /** Profiles of the segment the check looked at (all of them up to `maxSampledProfiles`). */
  sampled: number;
  split: Array<{ rule: string; size: number }>;
}

export interface MixedSegmentOptions {
  clock?: () => Date;
  /** The least silhouette of a two-way split that counts as clearly different groups; 0.7 by default (Kaufman and Rousseeuw's "strong structure"; one KPI spread evenly scores about 0.6). */
  minSilhouette?: number;
  /** The smaller group must hold at least this share of the members, so one outlier is not a split; 0.1 by default. */
  minShare?: number;
  /** Segments with fewer members are not checked; 20 by default. */
  minMembers?: number;
  seed?: number;
}

/** Defaults of `MixedSegmentOptions`, documented in docs/suggestions.md. */
export const mixedSegmentDefaults = { minSilhouette: 0.7, minShare: 0.1, minMembers: 20, seed: 1 } as const;

/**
 * Under-segmentation: each active segment's members clustered in two (k-means over the numeric
 * KPI features of suggested segments: activity, recency, MRR, tickets, CSAT, NPS, sentiment); a
 * silhouette of at least `minSilhouette` with both groups of at least `minShare` is a warning,
 * with each group as `in segment "KEY" and` the thresholds that select it.
 */
export async function mixedSegmentWarnings(
  db: Kysely<Database>,
  workspaceId: string,
  options: MixedSegmentOptions = {},
): Promise<MixedSegmentWarning[]> {
  const settings = { ...mixedSegmentDefaults, ...options };
  const scope = workspaceScope(db, workspaceId, options.clock ?? (() => new Date()));
  const warnings: MixedSegmentWarning[] = [];
  for (const segment of await listSegments(scope)) {
    if (segment.activeVersion === null) continue;
    const warning = await mixedWarningOf(scope, segment, settings);
    if (warning) warnings.push(warning);
  }
  return warnings;
}

async function mixedWarningOf(
  scope: WorkspaceScope,
  segment: { key: string; target: 'person' | 'account' },
  settings: { minSilhouette: number; minShare: number; minMembers: number; seed: number },
): Promise<MixedSegmentWarning | undefined> {
  const ids = await sampleMemberIds(scope, segment.key, settings.seed);
  if (ids.length < settings.minMembers) return undefined;
  const chosen = await chooseFeatures(scope, segment.target);
  if (!chosen.ok) return undefined;
  const features = chosen.features.filter((f) => f.kind !== 'category');
  const matrix = await loadFeatureMatrix(scope, segment.target, features, ids);
  const points = clusteringPoints(features, matrix.values);
  const clustering = clusterPoints(points, 2, settings.seed);
  const smaller = clustering.clusters.filter((c) => c === 1).length;
  if (smaller < settings.minShare * points.length) return undefined;
  const silhouette = sampledSilhouette(points, clustering.clusters);
  if (silhouette < settings.minSilhouette) return undefined;
  const schema = await loadFieldSchema(scope);
  const split = [0, 1].map((cluster) => {
    const inCluster = clustering.clusters.map((c) => c === cluster);
    const thresholds = thresholdsForCluster(features, matrix.values, inCluster);
    const text = [`in segment ${JSON.stringify(segment.key)}`, ...thresholds.map(thresholdText)].join(' and ');
    const checked = validateRule(text, { target: segment.target, schema });
    if (!checked.ok) throw new Error(`invariant: a split rule does not check: ${text}`);
    return { rule: checked.text, size: inCluster.filter(Boolean).length };
  });
  return {
    code: 'mixed',
    segments: [segment.key],
    message: `segment "${segment.key}" holds two clearly different groups (silhouette ${silhouette.toFixed(2)}): consider splitting it into ${split.map((s) => `"${s.rule}" (${s.size})`).join(' and ')}`,
    silhouette,
    sampled: points.length,
    split,
  };
}

/** Up to `maxSampledProfiles` members of a segment, the same ones for the same seed. */
async function sampleMemberIds(scope: WorkspaceScope, key: string, seed: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    SELECT member_id AS id FROM segment_members WHERE workspace_id = ${scope.workspaceId} AND segment_key = ${key}
    ORDER BY md5(member_id::text || ${String(seed)}), member_id LIMIT ${maxSampledProfiles}`.execute(scope.db);
  return rows.rows.map((r) => r.id);
}
