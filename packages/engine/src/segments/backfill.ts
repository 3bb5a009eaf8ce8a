import { sql } from 'kysely';
import type { SegmentRule, Target } from '@strata/core';
import {
  activateVersion,
  applyMembershipChanges,
  describeWorkFailure,
  diffStaging,
  findExternalIds,
  listLiveVersions,
  listProfileIds,
  lockProfiles,
  limitStatementTime,
  lockSegmentDefinitions,
  nextAttemptAt,
  recordBackfillFailure,
  recordBackfillProgress,
  recordFullEvaluation,
  selectRuleMembers,
  stageVerdicts,
  type SegmentVersion,
  enqueueSegmentWork,
  unparkSegmentWork,
  workRetryPolicy,
  atOneInstant,
  inWorkspaceTransaction,
  type WorkspaceScope,
} from '@strata/storage';
import { cascadeOf, evaluateProfiles } from './evaluate-profiles.js';
import { loadLiveSegments, onlySegmentTopic } from './live-segments.js';
import { defaultWorkStatementTimeoutMs } from './live-worker.js';

/** Profiles evaluated per backfill transaction. */
const defaultChunkSize = 5000;
/** Profiles locked and re-decided per recompute transaction. */
const lockSlice = 1000;
const lastUuid = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * A backfill that failed (an error in the rule's SQL, a statement timeout). Its version stays
 * building with the error recorded, and is retried after a backoff, or parked after the last
 * attempt; `error` holds no user data.
 */
export class BackfillFailedError extends Error {
  constructor(
    readonly key: string,
    readonly version: number,
    readonly error: string,
    readonly attempts: number,
    options?: { cause: unknown },
  ) {
    super(`backfill of segment "${key}" version ${version} failed: ${error}`, options);
    this.name = 'BackfillFailedError';
  }
}

function hasSqlState(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

export interface BackfillOptions {
  onProgress?: (progress: BackfillProgress) => void;
  chunkSize?: number;
  /** Each statement may run this long; 30 s by default. */
  statementTimeoutMs?: number;
}

export interface BackfillProgress {
  key: string;
  version: number;
  done: number;
  total: number;
}

/**
 * Fills a building version in chunks of profiles, each its own transaction that records where it
 * got to, then switches over in one transaction: members enter and leave with cause
 * `rule-change`, and the old version stops serving at that instant. Until then the old version
 * keeps serving. A crash leaves the version building; calling this again resumes after the last
 * finished chunk. Only one process backfills a version at a time (the others return at once).
 * A failure is recorded on the version and thrown as `BackfillFailedError`.
 */
export async function backfillVersion(
  scope: WorkspaceScope,
  key: string,
  version: number,
  options: BackfillOptions,
): Promise<'activated' | 'busy' | 'gone'> {
  const { db, workspaceId } = scope;
  const chunkSize = options.chunkSize ?? defaultChunkSize;
  const timeoutMs = options.statementTimeoutMs ?? defaultWorkStatementTimeoutMs;
  return db.connection().execute(async (connection) => {
    const onConnection: WorkspaceScope = { ...scope, db: connection };
    // A session lock held for the whole backfill, on this connection: one backfill per version.
    const lockKey = `${workspaceId}:${key}:${version}:backfill`;
    const got = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtextextended(${lockKey}, 7)) AS ok`.execute(connection);
    if (!got.rows[0]?.ok) return 'busy';
    try {
      const building = (await listLiveVersions(onConnection)).find((v) => v.key === key && v.version === version && v.state === 'building');
      if (!building) return 'gone';
      try {
        await fillAndSwitch(building, timeoutMs);
      } catch (error) {
        const description = describeWorkFailure(error);
        const at = scope.clock();
        const attempts = await recordBackfillFailure(onConnection, key, version, {
          error: description,
          at,
          retryAt: (n) => (n >= workRetryPolicy.maxAttempts ? null : nextAttemptAt(at, n)),
        });
        // A database failure is the rule's or the load's; anything else (a crash, a bug) goes up as it is.
        if (!hasSqlState(error)) throw error;
        throw new BackfillFailedError(key, version, description, attempts, { cause: error });
      }
      return 'activated';
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtextextended(${lockKey}, 7))`.execute(connection);
    }

    async function fillAndSwitch(building: SegmentVersion, timeoutMs: number): Promise<void> {
      const ids = await listProfileIds(onConnection, building.target);
      const start = building.backfillCursor ? ids.findIndex((id) => id > building.backfillCursor!) : 0;
      let done = building.backfillCursor ? (start === -1 ? ids.length : start) : 0;
      const total = ids.length;
      await recordBackfillProgress(onConnection, key, version, { total, done, cursor: building.backfillCursor });
      options.onProgress?.({ key, version, done, total });
      for (let from = done; from < ids.length; from += chunkSize) {
        const after = from === 0 ? null : ids[from - 1]!;
        const upTo = from + chunkSize >= ids.length ? lastUuid : ids[from + chunkSize - 1]!;
        await inWorkspaceTransaction(onConnection, async (tx) => {
          await limitStatementTime(tx.db, timeoutMs);
          const members = await selectRuleMembers(tx.db, building.rule, {
            workspaceId,
            now: scope.clock(),
            scope: { after, upTo },
          }).execute();
          await stageVerdicts(
            tx,
            key,
            version,
            members.map((m) => ({ memberId: m.id, isMember: true })),
            'keep',
          );
          done = Math.min(ids.length, from + chunkSize);
          await recordBackfillProgress(tx, key, version, { done, cursor: upTo === lastUuid ? ids.at(-1)! : upTo });
        });
        options.onProgress?.({ key, version, done, total });
      }
      await switchVersion(onConnection, building.target, key, version, timeoutMs);
    }
  });
}

/** Makes a fully staged version the one that serves, applying the difference as changes. */
async function switchVersion(scope: WorkspaceScope, target: Target, key: string, version: number, timeoutMs: number): Promise<void> {
  const now = scope.clock();
  await inWorkspaceTransaction(scope, async (tx) => {
    await limitStatementTime(tx.db, timeoutMs);
    // Exclusive: no live evaluation of this workspace straddles the switch.
    await lockSegmentDefinitions(tx, 'exclusive');
    const { enters, exits } = await diffStaging(tx, key, version);
    const cause = { kind: 'rule-change' as const, version };
    const changes = [
      ...enters.map((memberId) => ({ segmentKey: key, version, memberId, kind: 'enter' as const, cause, target })),
      ...exits.map((memberId) => ({ segmentKey: key, version, memberId, kind: 'exit' as const, cause, target })),
    ];
    await applyMembershipChanges(tx, target, changes, now);
    await activateVersion(tx, key, version, now);
    // A new rule: work parked because the old one failed is tried again under the new one.
    await unparkSegmentWork(tx, key);
    await enqueueSegmentWork(tx, cascadeOf(await loadLiveSegments(tx), changes));
  });
}

/**
 * Full re-evaluation of an active segment: one set-based query finds every profile whose
 * membership differs, and those are re-decided under their locks, like live evaluation, so a
 * concurrent live change is never overwritten with an older verdict.
 */
export async function recomputeSegment(
  scope: WorkspaceScope,
  key: string,
  cause: 'recompute' | 'time' = 'recompute',
  /** Limits each statement (the time sweep's recomputes); none for an operator's `strata segments recompute`. */
  statementTimeoutMs?: number,
): Promise<{ entered: number; exited: number }> {
  // One instant for the whole recompute: the rule is read, and members change, as of it.
  const at = atOneInstant(scope);
  const segment = (await loadLiveSegments(at)).find((s) => s.key === key && s.state === 'active');
  if (!segment) return { entered: 0, exited: 0 };
  const limit = async (tx: WorkspaceScope) => {
    if (statementTimeoutMs !== undefined) await limitStatementTime(tx.db, statementTimeoutMs);
  };
  const differing = await inWorkspaceTransaction(at, async (tx) => {
    await limit(tx);
    return differingProfiles(tx, key, segment.rule);
  });
  let entered = 0;
  let exited = 0;
  // In slices: each transaction locks its profiles, and PostgreSQL's lock table is finite.
  for (let start = 0; start < differing.length; start += lockSlice) {
    const slice = differing.slice(start, start + lockSlice);
    await inWorkspaceTransaction(at, async (tx) => {
      await limit(tx);
      await lockSegmentDefinitions(tx, 'shared');
      const segments = await loadLiveSegments(tx);
      await lockProfiles(tx, slice);
      const work = slice.map((profileId) => ({
        target: segment.target,
        profileId,
        topics: new Set([onlySegmentTopic(key)]),
        cause: { kind: cause },
      }));
      const result = await evaluateProfiles(tx, segments, work);
      const failed = result.failures.find((f) => f.segment.key === key);
      if (failed) throw failed.error;
      const enters = result.changes.filter((c) => c.kind === 'enter').length;
      entered += enters;
      exited += result.changes.length - enters;
      await enqueueSegmentWork(tx, result.cascade);
    });
  }
  await recordFullEvaluation(at, key, segment.version, at.clock());
  return { entered, exited };
}

/** Profiles whose membership of `key` differs from what `rule` says now. */
async function differingProfiles(scope: WorkspaceScope, key: string, rule: SegmentRule): Promise<string[]> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  const rows = await sql<{ id: string }>`
    WITH next AS (${selectRuleMembers(db, rule, { workspaceId, now })}),
    current AS (SELECT member_id AS id FROM segment_members WHERE workspace_id = ${workspaceId} AND segment_key = ${key})
    (SELECT id FROM next EXCEPT SELECT id FROM current)
    UNION ALL
    (SELECT id FROM current EXCEPT SELECT id FROM next)`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** What an edit would change now: how many enter and leave, with samples, without saving anything. */
export async function diffRule(
  scope: WorkspaceScope,
  key: string,
  rule: SegmentRule,
  sampleSize = 10,
): Promise<{ entering: number; leaving: number; staying: number; sampleEntering: string[]; sampleLeaving: string[] }> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  const rows = await sql<{ id: string; side: 'enter' | 'leave' | 'stay' }>`
    WITH next AS (${selectRuleMembers(db, rule, { workspaceId, now })}),
    current AS (SELECT member_id AS id FROM segment_members WHERE workspace_id = ${workspaceId} AND segment_key = ${key})
    SELECT coalesce(n.id, c.id) AS id, CASE WHEN c.id IS NULL THEN 'enter' WHEN n.id IS NULL THEN 'leave' ELSE 'stay' END AS side
    FROM next n FULL JOIN current c ON c.id = n.id`.execute(db);
  const entering = rows.rows.filter((r) => r.side === 'enter');
  const leaving = rows.rows.filter((r) => r.side === 'leave');
  const names = await findExternalIds(
    scope,
    rule.target,
    [...entering.slice(0, sampleSize), ...leaving.slice(0, sampleSize)].map((r) => r.id),
  );
  return {
    entering: entering.length,
    leaving: leaving.length,
    staying: rows.rows.length - entering.length - leaving.length,
    sampleEntering: entering.slice(0, sampleSize).map((r) => names.get(r.id) ?? r.id),
    sampleLeaving: leaving.slice(0, sampleSize).map((r) => names.get(r.id) ?? r.id),
  };
}

/**
 * Recomputes every active segment of a workspace, referenced segments first, so each reads
 * up-to-date members of the ones it refers to. `concurrency` segments run at once (on separate
 * connections), each starting once the segments it refers to are done. For data that arrived
 * outside live ingestion (`strata generate`, restores), and for the benchmark.
 */
export async function recomputeWorkspace(
  scope: WorkspaceScope,
  onSegment?: (key: string, result: { entered: number; exited: number; seconds: number }) => void,
  concurrency = 2,
): Promise<void> {
  // Every segment is recomputed as of one instant.
  const at = atOneInstant(scope);
  const segments = (await loadLiveSegments(at)).filter((s) => s.state === 'active');
  const keys = new Set(segments.map((s) => s.key));
  const finished = new Map<string, Promise<void>>();
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  const recompute = (key: string): Promise<void> => {
    let done = finished.get(key);
    if (!done) {
      const segment = segments.find((s) => s.key === key)!;
      done = (async () => {
        await Promise.all(segment.dependencies.segments.filter((k) => keys.has(k)).map(recompute));
        await slot();
        try {
          const started = performance.now();
          const result = await recomputeSegment(at, key);
          onSegment?.(key, { ...result, seconds: (performance.now() - started) / 1000 });
        } finally {
          release();
        }
      })();
      finished.set(key, done);
    }
    return done;
  };
  await Promise.all(segments.map((s) => recompute(s.key)));
}
