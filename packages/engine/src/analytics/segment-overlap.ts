import { segmentOverlap, type SegmentOverlap } from '@strata/core';
import { listSegmentSizes, listSharedMembers, type WorkspaceScope } from '@strata/storage';

/** What an overlap request may get wrong, for the route to name. */
export type OverlapProblem = { code: 'unknown-segment'; key: string } | { code: 'mixed-targets'; keys: string[] };

/**
 * The overlap of the named segments (all of `target` when none are named) as they are now: shared
 * members, Jaccard index and containment. Named segments must exist and share one target.
 */
export async function overlapOfSegments(
  scope: WorkspaceScope,
  request: { keys: readonly string[]; target: 'person' | 'account' },
): Promise<{ ok: true; target: 'person' | 'account'; overlap: SegmentOverlap } | { ok: false; problem: OverlapProblem }> {
  const all = await listSegmentSizes(scope);
  const byKey = new Map(all.map((s) => [s.key, s]));
  const unknown = request.keys.find((k) => !byKey.has(k));
  if (unknown !== undefined) return { ok: false, problem: { code: 'unknown-segment', key: unknown } };
  const chosen = request.keys.length === 0 ? all.filter((s) => s.target === request.target) : request.keys.map((k) => byKey.get(k)!);
  const targets = new Set(chosen.map((s) => s.target));
  if (targets.size > 1) return { ok: false, problem: { code: 'mixed-targets', keys: chosen.map((s) => s.key) } };
  const shared = await listSharedMembers(
    scope,
    chosen.map((s) => s.key),
  );
  return { ok: true, target: chosen[0]?.target ?? request.target, overlap: segmentOverlap(chosen, shared) };
}
