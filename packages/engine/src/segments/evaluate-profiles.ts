import { sql, type Kysely } from 'kysely';
import type { Target } from '@strata/core';
import {
  applyMembershipChanges,
  batchEventsSql,
  batchPeopleSql,
  findMemberships,
  selectRuleMembers,
  stageVerdicts,
  type ChangeCause,
  type Database,
  type BatchEventReads,
  type MembershipChange,
  type SegmentWork,
} from '@strata/storage';
import { concerns, type LiveSegment } from './live-segments.js';
import type { WorkspaceScope } from '@strata/storage';

/** A profile to re-evaluate, with everything that changed on it. */
export interface ProfileWork {
  target: Target;
  profileId: string;
  topics: ReadonlySet<string>;
  cause: ChangeCause;
  /** Failed attempts of the queued work this came from (the most of any), 0 when new. */
  attempts?: number;
}

/** A segment whose evaluation failed for these profiles; the others were decided without it. */
export interface SegmentFailure {
  segment: LiveSegment;
  items: ProfileWork[];
  error: unknown;
}

export interface EvaluationResult {
  changes: Array<MembershipChange & { target: Target }>;
  /** Membership changes are changes too: segments that reference the changed ones re-evaluate next. */
  cascade: SegmentWork[];
  /** How many (segment, profile) pairs were decided. */
  decided: number;
  /** Segments that could not be evaluated (their statement failed): nothing of theirs was applied. */
  failures: SegmentFailure[];
}

/**
 * Re-evaluates the segments that the work concerns, for exactly those profiles, in the caller's
 * transaction (which must hold the profiles' locks). Active versions update their members, with
 * history (the change log subscribers read); building versions record their verdicts in staging.
 * Rules are evaluated, and changes stamped, at one instant: the scope's clock read once.
 */
export async function evaluateProfiles(
  scope: WorkspaceScope,
  segments: readonly LiveSegment[],
  work: readonly ProfileWork[],
): Promise<EvaluationResult> {
  const now = scope.clock();
  const plans = segments
    .map((segment) => ({ segment, items: work.filter((w) => w.target === segment.target && concerns(segment, w.topics)) }))
    .filter((p) => p.items.length > 0);
  const result: EvaluationResult = { changes: [], cascade: [], decided: 0, failures: [] };
  if (plans.length === 0) return result;

  const members = await decideMembers(scope, plans, now);
  for (const [index, plan] of plans.entries()) {
    const decided = members[index]!;
    if (!(decided instanceof Set)) result.failures.push({ ...plan, error: decided.error });
  }

  const current = await findMemberships(scope, [...new Set(work.map((w) => w.profileId))]);
  for (const [index, { segment, items }] of plans.entries()) {
    const decided = members[index]!;
    if (!(decided instanceof Set)) continue;
    const verdicts = items.map((i) => ({ memberId: i.profileId, isMember: decided.has(i.profileId) }));
    result.decided += verdicts.length;
    if (segment.state === 'building') {
      await stageVerdicts(scope, segment.key, segment.version, verdicts, 'overwrite');
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
    await applyMembershipChanges(scope, target, changes, now);
  }
  result.cascade = cascadeOf(segments, result.changes);
  return result;
}

/**
 * Each plan's members among its profiles. One statement for every segment (each part scoped to
 * its own profiles); if it fails, each segment alone, so that one failing rule (an error, a
 * statement timeout) fails only its own segment. Savepoints keep the transaction usable.
 */
async function decideMembers(
  scope: WorkspaceScope,
  plans: ReadonlyArray<{ segment: LiveSegment; items: ProfileWork[] }>,
  now: Date,
): Promise<Array<Set<string> | { error: unknown }>> {
  const { db, workspaceId } = scope;
  // The people's rows, and their raw events of each name (what summaries cannot answer: a `where`
  // on a property, distinct days), are read once for every person rule of the statement: each rule
  // read them from the tables before (seven rules over `feature_used` events with a property, 60-100
  // ms each for 1,000 people at size s; each rule's people 3-30 ms).
  const part = (index: number, reads: BatchEventReads) => {
    const { segment, items } = plans[index]!;
    const members = selectRuleMembers(db, segment.rule, {
      workspaceId,
      now,
      scope: { ids: items.map((i) => i.profileId) },
      ...(segment.target === 'person' ? { eventRows: reads, peopleRelation: batchPeople } : {}),
    });
    return sql`SELECT ${index}::int AS plan, m.id FROM (${members}) m`;
  };
  const run = async (indexes: number[]) => {
    const reads: BatchEventReads = new Map();
    const parts = indexes.map((i) => part(i, reads));
    const people = [
      ...new Set(indexes.flatMap((i) => (plans[i]!.segment.target === 'person' ? plans[i]!.items.map((w) => w.profileId) : []))),
    ];
    const relations = [
      ...(people.length > 0 ? [batchPeopleSql(batchPeople, workspaceId, people)] : []),
      ...(reads.size > 0 ? [batchEventsSql(workspaceId, people, reads)] : []),
    ];
    const head = relations.length > 0 ? sql`WITH ${sql.join(relations, sql`, `)} ` : sql``;
    const rows = await inSavepoint(db, () => sql<{ plan: number; id: string }>`${head}${sql.join(parts, sql` UNION ALL `)}`.execute(db));
    const members = new Map(indexes.map((i) => [i, new Set<string>()]));
    for (const row of rows.rows) members.get(row.plan)!.add(row.id);
    return members;
  };
  const all = plans.map((_, i) => i);
  try {
    const members = await run(all);
    return all.map((i) => members.get(i)!);
  } catch (error) {
    if (plans.length === 1) return [{ error }];
  }
  const decided: Array<Set<string> | { error: unknown }> = [];
  for (const i of all) {
    try {
      decided.push((await run([i])).get(i)!);
    } catch (error) {
      decided.push({ error });
    }
  }
  return decided;
}

/** The statement's relation of its people's rows (see `batchPeopleSql`). */
const batchPeople = 'batch_people';

/** Runs `fn` so that its failure rolls back only what it did, leaving the transaction usable. */
async function inSavepoint<T>(db: Kysely<Database>, fn: () => Promise<T>): Promise<T> {
  await sql`SAVEPOINT strata_evaluate`.execute(db);
  try {
    const result = await fn();
    await sql`RELEASE SAVEPOINT strata_evaluate`.execute(db);
    return result;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT strata_evaluate`.execute(db);
    throw error;
  }
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
