import { mixedSegmentWarnings } from './mixed-segment-warnings.js';
import { findWarnings, type AnalyticsWarning, type WarningFacts } from '@strata/core';
import { listSegmentSizes, listSharedMembers, readAnalyticsSettings, readCoverage, type WorkspaceScope } from '@strata/storage';
import { readersOfSegments } from './segment-readers.js';

/**
 * A source of warnings: the rules over sizes, overlap and readers (core's `warningRules`), or one
 * that reads more. `mixed` (members that split into clearly different groups) plugs in here as a
 * source that clusters each segment's members.
 */
export type WarningSource = (scope: WorkspaceScope, facts: WarningFacts) => Promise<AnalyticsWarning[]>;

export const warningSources: WarningSource[] = [(_scope, facts) => Promise.resolve(findWarnings(facts))];

/**
 * `mixed` (under-segmentation) clusters each segment's members, seconds per segment on a big
 * workspace: asked for explicitly (`?mixed=true`) rather than on every read of the warnings.
 */
export const mixedWarningSource: WarningSource = async (scope) =>
  (await mixedSegmentWarnings(scope.db, scope.workspaceId, { clock: scope.clock })).map((w) => ({ ...w }));

/** The facts the warnings read, gathered once. */
export async function readWarningFacts(scope: WorkspaceScope): Promise<WarningFacts> {
  const sizes = await listSegmentSizes(scope);
  const keys = sizes.map((s) => s.key);
  const readers = await readersOfSegments(scope, keys);
  const shared = [];
  for (const target of ['person', 'account'] as const)
    shared.push(
      ...(await listSharedMembers(
        scope,
        sizes.filter((s) => s.target === target).map((s) => s.key),
      )),
    );
  return {
    segments: sizes.map((s) => ({ ...s, readers: readers.get(s.key) ?? [] })),
    shared,
    targets: await readCoverage(scope),
    settings: await readAnalyticsSettings(scope),
  };
}

/** Every warning about the workspace's segmentation, from every source. */
export async function listAnalyticsWarnings(
  scope: WorkspaceScope,
  sources: readonly WarningSource[] = warningSources,
): Promise<AnalyticsWarning[]> {
  const facts = await readWarningFacts(scope);
  const warnings: AnalyticsWarning[] = [];
  for (const source of sources) warnings.push(...(await source(scope, facts)));
  return warnings;
}
