import { ruleDependencies, segmentsReadByPolicies, triggerSegment, type SegmentRule } from '@strata/core';
import { listActiveSegmentRules, listPlaybooks, listSegmentScopedThings, listSupportPolicies, type WorkspaceScope } from '@strata/storage';

/** What reads segments, as `kind:key` per segment key; a source answers for one kind of reader. */
export type SegmentReaderSource = (scope: WorkspaceScope, keys: readonly string[]) => Promise<Array<{ segment: string; reader: string }>>;

const supportPolicies: SegmentReaderSource = async (scope) =>
  (await listSupportPolicies(scope)).flatMap((policy) =>
    [...segmentsReadByPolicies([policy])].map((segment) => ({ segment, reader: `support-policy:${policy.key}` })),
  );

// A webhook or canned response with no segment list acts on every segment.
const scopedThings: SegmentReaderSource = async (scope, keys) =>
  (await listSegmentScopedThings(scope)).flatMap((thing) =>
    (thing.segments ?? keys).map((segment) => ({ segment, reader: `${thing.kind}:${thing.key}` })),
  );

const segmentRules: SegmentReaderSource = async (scope) =>
  (await listActiveSegmentRules(scope)).flatMap(({ key, rule }) =>
    ruleDependencies(rule as SegmentRule).segments.map((segment) => ({ segment, reader: `segment:${key}` })),
  );

// A playbook reads the segment its trigger names and any its filter refers to.
const playbooks: SegmentReaderSource = async (scope) =>
  (await listPlaybooks(scope)).flatMap((playbook) =>
    [
      ...[triggerSegment(playbook.trigger)].filter((s) => s !== undefined),
      ...(playbook.filter ? ruleDependencies(playbook.filter.rule).segments : []),
    ].map((segment) => ({
      segment,
      reader: `playbook:${playbook.key}`,
    })),
  );

/** Every source of readers. */
export const segmentReaderSources: SegmentReaderSource[] = [supportPolicies, scopedThings, segmentRules, playbooks];

/** The readers of each of `keys`, sorted. */
export async function readersOfSegments(scope: WorkspaceScope, keys: readonly string[]): Promise<Map<string, string[]>> {
  const readers = new Map(keys.map((k) => [k, new Set<string>()]));
  for (const source of segmentReaderSources) for (const { segment, reader } of await source(scope, keys)) readers.get(segment)?.add(reader);
  return new Map([...readers].map(([k, set]) => [k, [...set].sort()]));
}
