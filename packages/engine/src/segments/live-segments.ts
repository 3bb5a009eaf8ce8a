import { ruleDependencies, topicMatches, type RuleDependencies, type Target } from '@strata/core';
import { listLiveVersions, type SegmentVersion } from '@strata/storage';
import type { WorkspaceScope } from '@strata/storage';

/** A segment version being kept current, with what its rule reads. */
export interface LiveSegment extends SegmentVersion {
  dependencies: RuleDependencies;
}

const dependencyCache = new Map<string, RuleDependencies>();

/** The active and building versions of a workspace's segments, with their dependencies. */
export async function loadLiveSegments(scope: WorkspaceScope): Promise<LiveSegment[]> {
  const { workspaceId } = scope;
  const versions = await listLiveVersions(scope);
  return versions.map((v) => {
    // A version's rule never changes, so its dependencies are computed once per process.
    const cacheKey = `${workspaceId}:${v.key}:${v.version}`;
    let dependencies = dependencyCache.get(cacheKey);
    if (!dependencies) dependencyCache.set(cacheKey, (dependencies = ruleDependencies(v.rule)));
    return { ...v, dependencies };
  });
}

/** Topic that asks for one segment to be re-evaluated, whatever it depends on (time passing, a rule switch). */
export const onlySegmentTopic = (key: string) => `only:${key}`;

/** Does a change with these topics concern this segment? */
export function concerns(segment: LiveSegment, topics: Iterable<string>): boolean {
  for (const changed of topics) {
    if (changed.startsWith('only:')) {
      if (changed === onlySegmentTopic(segment.key)) return true;
      continue;
    }
    if (changed === '*') return true;
    for (const dependency of segment.dependencies.topics) if (topicMatches(dependency, changed)) return true;
  }
  return false;
}

/** Whether any segment of a target depends on topics with this prefix (`person:` rollups, `account-trait:`). */
export function anyDependsOn(segments: readonly LiveSegment[], target: Target, prefix: string): boolean {
  return segments.some((s) => s.target === target && s.dependencies.topics.some((t) => t.startsWith(prefix)));
}
