import { irVersion, type SegmentRule, type Target } from '@strata/core';
import {
  activateVersion,
  applyMembershipChanges,
  enqueueSegmentWork,
  findMemberships,
  findSegment,
  inWorkspaceTransaction,
  insertSegment,
  lockProfiles,
  lockSegmentDefinitions,
  type ChangeCause,
  type SegmentDefinition,
  type WorkspaceScope,
} from '@strata/storage';
import { cascadeOf } from './evaluate-profiles.js';
import { loadLiveSegments } from './live-segments.js';
import type { SegmentOutcome } from './segment-service.js';

/**
 * The rule a manual segment's version stores: "or" of nothing, which holds for nobody. Every
 * segment has a version (readers rely on it), but a manual one's is never evaluated: live
 * evaluation, the time sweep and recomputes list only rule segments (`listLiveVersions`).
 */
const manualRule = (target: Target): SegmentRule => ({ version: irVersion, target, condition: { kind: 'or', conditions: [] } });

/** Creates a manual segment, empty and serving at once: there is nothing to fill. */
export async function createManualSegment(
  scope: WorkspaceScope,
  input: { key: string; name: string; description: string; target: Target },
): Promise<SegmentOutcome<SegmentDefinition>> {
  return inWorkspaceTransaction(scope, async (tx) => {
    const inserted = await insertSegment(tx, { ...input, predefined: false, manual: true, rule: manualRule(input.target), text: '' });
    if (!inserted) return { ok: false, problem: { code: 'key-taken', key: input.key } };
    await activateVersion(tx, input.key, 1, tx.clock());
    return { ok: true, value: (await findSegment(tx, input.key))! };
  });
}

/**
 * Adds (`enter`) or removes (`exit`) members of a manual segment, by Strata id, in the caller's
 * transaction. Changes go through the same path as rule segments' (members table and change log
 * at once), so webhooks, playbook triggers and the feed see them, and segments whose rules say
 * `in segment` of this one are queued to decide those profiles again. Answers the ids that changed
 * (adding a member twice changes nothing).
 */
export async function changeManualMembers(
  tx: WorkspaceScope,
  segment: SegmentDefinition,
  memberIds: readonly string[],
  kind: 'enter' | 'exit',
  cause: ChangeCause,
): Promise<string[]> {
  if (!segment.manual) throw new Error(`segment ${segment.key} is decided by its rule, not by hand`);
  await lockSegmentDefinitions(tx, 'shared');
  await lockProfiles(tx, memberIds);
  const current = (await findMemberships(tx, memberIds)).get(segment.key) ?? new Set<string>();
  const changed = [...new Set(memberIds)].filter((id) => (kind === 'enter') !== current.has(id));
  const changes = changed.map((memberId) => ({ segmentKey: segment.key, version: segment.activeVersion ?? 1, memberId, kind, cause }));
  await applyMembershipChanges(tx, segment.target, changes, tx.clock());
  await enqueueSegmentWork(
    tx,
    cascadeOf(
      await loadLiveSegments(tx),
      changes.map((c) => ({ ...c, target: segment.target })),
    ),
  );
  return changed;
}
