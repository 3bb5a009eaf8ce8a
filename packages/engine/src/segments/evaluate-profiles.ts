import { sql, type Kysely } from 'kysely';
import type { Target } from '@strata/core';
import {
  applyMembershipChanges,
  findMemberships,
  selectRuleMembers,
  stageVerdicts,
  type ChangeCause,
  type Database,
  type MembershipChange,
  type SegmentWork,
} from '@strata/storage';
import { concerns, type LiveSegment } from './live-segments.js';

/** A profile to re-evaluate, with everything that changed on it. */
export interface ProfileWork {
  target: Target;
  profileId: string;
  topics: ReadonlySet<string>;
  cause: ChangeCause;
}

export interface EvaluationResult {
  changes: Array<MembershipChange & { target: Target }>;
  /** Membership changes are changes too: segments that reference the changed ones re-evaluate next. */
  cascade: SegmentWork[];
  /** How many (segment, profile) pairs were decided. */
  decided: number;
}

/**
 * Re-evaluates the segments that the work concerns, for exactly those profiles, in the caller's
 * transaction (which must hold the profiles' locks). Active versions update their members, with
 * history and outbox; building versions record their verdicts in staging.
 */
export async function evaluateProfiles(
  db: Kysely<Database>,
  workspaceId: string,
  segments: readonly LiveSegment[],
  work: readonly ProfileWork[],
  now: Date,
): Promise<EvaluationResult> {
  const plans = segments
    .map((segment) => ({ segment, items: work.filter((w) => w.target === segment.target && concerns(segment, w.topics)) }))
    .filter((p) => p.items.length > 0);
  const result: EvaluationResult = { changes: [], cascade: [], decided: 0 };
  if (plans.length === 0) return result;

  // One statement for every segment: each part is scoped to its own profiles.
  const parts = plans.map(
    (plan, index) =>
      sql`SELECT ${index}::int AS plan, m.id FROM (${selectRuleMembers(db, plan.segment.rule, {
        workspaceId,
        now,
        scope: { ids: plan.items.map((i) => i.profileId) },
      })}) m`,
  );
  const rows = await sql<{ plan: number; id: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  const members = plans.map(() => new Set<string>());
  for (const row of rows.rows) members[row.plan]!.add(row.id);

  const current = await findMemberships(db, workspaceId, [...new Set(work.map((w) => w.profileId))]);
  for (const [index, { segment, items }] of plans.entries()) {
    const verdicts = items.map((i) => ({ memberId: i.profileId, isMember: members[index]!.has(i.profileId) }));
    result.decided += verdicts.length;
    if (segment.state === 'building') {
      await stageVerdicts(db, workspaceId, segment.key, segment.version, verdicts, 'overwrite');
      continue;
    }
    const was = current.get(segment.key) ?? new Set<string>();
    for (const [i, verdict] of verdicts.entries()) {
      if (verdict.isMember === was.has(verdict.memberId)) continue;
      result.changes.push({
        target: segment.target,
        segmentKey: segment.key,
        version: segment.version,
        memberId: verdict.memberId,
        kind: verdict.isMember ? 'enter' : 'exit',
        cause: items[i]!.cause,
      });
    }
  }

  for (const target of ['person', 'account'] as const) {
    const changes = result.changes.filter((c) => c.target === target);
    await applyMembershipChanges(db, workspaceId, target, changes, now);
  }
  result.cascade = cascadeOf(segments, result.changes);
  return result;
}

/** Work for the segments that refer to changed ones: `segment:KEY` on each changed profile. */
export function cascadeOf(
  segments: readonly LiveSegment[],
  changes: ReadonlyArray<{ target: Target; memberId: string; segmentKey: string }>,
): SegmentWork[] {
  const referenced = new Set(segments.flatMap((s) => s.dependencies.segments));
  return changes
    .filter((c) => referenced.has(c.segmentKey))
    .map((c) => ({
      target: c.target,
      profileId: c.memberId,
      topics: [`segment:${c.segmentKey}`],
      cause: { kind: 'segment', key: c.segmentKey },
    }));
}
