import type { Kysely } from 'kysely';
import { computedFields, type Target } from '@strata/core';
import type { Pool } from 'pg';
import {
  claimSegmentWork,
  claimSegmentWorkItems,
  describeWorkFailure,
  enqueueSegmentWork,
  findLinkedProfiles,
  limitStatementTime,
  listenForNotifications,
  lockProfiles,
  lockSegmentDefinitions,
  recordWorkFailure,
  requeueFailedWork,
  segmentWorkChannel,
  type ClaimedWork,
  type Database,
  type SegmentWork,
  atOneInstant,
  inWorkspaceTransaction,
  workspaceScope,
  type WorkspaceScope,
} from '@strata/storage';
import { evaluateProfiles, type EvaluationResult, type ProfileWork } from './evaluate-profiles.js';
import { anyDependsOn, concerns, loadLiveSegments, onlySegmentTopic, type LiveSegment } from './live-segments.js';
import { WorkCollector } from './work-collector.js';
import { queueHealthForWork, scoreQueuedHealth } from '../health/index.js';
import type { SegmentMetrics } from './segment-metrics.js';

export interface LiveWorkerOptions {
  db: Kysely<Database>;
  /** For LISTEN; without it the worker only polls. */
  pool?: Pool;
  now: () => Date;
  metrics?: SegmentMetrics;
  /** Items taken per transaction. */
  batchSize?: number;
  /** How long to wait for a notification before looking anyway. */
  pollMs?: number;
  onError?: (error: unknown) => void;
  /** Work that failed and will be retried after a backoff, or was parked; the error holds no user data. */
  onFailure?: (failure: WorkFailureReport) => void;
  /** Each statement of a batch may run this long before it fails (and the work backs off); 30 s by default. */
  statementTimeoutMs?: number;
}

/** What one failure did: the segment it failed in (null: the whole item), why, and what became of the work. */
export interface WorkFailureReport {
  workspaceId: string;
  segmentKey: string | null;
  error: string;
  retrying: number;
  parked: number;
}

/**
 * Accounts scored per health transaction (their records loaded together: 0.2-0.5 s for 100 at
 * size s), and how often scoring goes before segment work: under a steady backlog it then takes a
 * small share of a worker.
 */
const healthBatchSize = 100;
const healthTurnMs = 10_000;

/** How long one worker or backfill statement may run unless configured (`STRATA_WORK_STATEMENT_TIMEOUT_MS`). */
export const defaultWorkStatementTimeoutMs = 30_000;

/**
 * Keeps segment membership current: takes queued work (written by ingestion in its own
 * transaction), re-evaluates the segments it concerns for exactly those profiles, and applies
 * the changes, all in one transaction. Any number of workers, in any number of processes, share
 * the queue: SKIP LOCKED splits it, profile locks keep verdicts in order.
 */
export class LiveSegmentWorker {
  private stopped = true;
  private wake: (() => void) | undefined;
  private pending = false;
  private loop: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  /** The workspace this worker served last: the next claim starts after it, so workspaces take turns. */
  private lastWorkspace: string | undefined;
  /** When health scoring next goes before segment work (it goes after it otherwise). */
  private healthDueAt = 0;

  constructor(private readonly options: LiveWorkerOptions) {}

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    // The LISTEN connection is made again after the database restarts; polling covers the gap.
    if (this.options.pool) this.unlisten = await listenForNotifications(this.options.pool, segmentWorkChannel, () => this.notify());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await this.loop;
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /** Processes work until the queue is empty (cascades included); for tests and the CLI. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.processBatch();
      if (done === 0) return total;
      total += done;
    }
  }

  /**
   * Takes one batch and applies it; returns how many queued items it took. A segment whose
   * evaluation fails fails alone: the others are applied, and its work is queued again with a
   * backoff (then parked). If the whole batch fails, its items are retried one by one, so one
   * poison item fails alone.
   */
  async processBatch(): Promise<number> {
    const { db, now } = this.options;
    // A claim takes at most this many profiles (and their accounts): a shallow queue gives small,
    // quick batches anyway, and a deep one shares each statement's fixed cost (planning ~50 rule
    // parts) over more profiles. Measured at size s, 1,000 people cost about 1.5x 500 and 2,000
    // about 2.5x 250. Each profile takes a lock: keep well inside PostgreSQL's lock table
    // (`max_locks_per_transaction` x connections; the embedded cluster raises it to 256).
    const batchSize = this.options.batchSize ?? 1000;
    // Workspaces take turns: from the one after the workspace served last, wrapping around.
    const ids = (await db.selectFrom('workspaces').select('workspace_id').orderBy('workspace_id').execute()).map((w) => w.workspace_id);
    const first = this.lastWorkspace === undefined ? 0 : ids.findIndex((id) => id > this.lastWorkspace!);
    const turns = first <= 0 ? ids : [...ids.slice(first), ...ids.slice(0, first)];
    // Health scoring waits for segments (a queue of its own, coalesced per account), but gets a
    // turn at least every few seconds however much segment work arrives.
    if (Date.now() >= this.healthDueAt) {
      const scored = await this.scoreHealth(turns);
      if (scored > 0) return scored;
    }
    for (const workspaceId of turns) {
      const scope = workspaceScope(db, workspaceId, now);
      let taken: ClaimedWork[] = [];
      try {
        const done = await this.apply(
          scope,
          (tx) => claimSegmentWork(tx, batchSize, { now: now() }),
          (claimed) => (taken = claimed),
        );
        if (done > 0) return done;
      } catch (error) {
        // Nothing taken: the claim itself failed (the database is away); the run loop waits and retries.
        if (taken.length === 0) throw error;
        if (taken.length === 1) await this.recordFailure(taken, error);
        else
          for (const item of taken) {
            try {
              await this.apply(scope, (tx) => claimSegmentWorkItems(tx, [item.workId]));
            } catch (itemError) {
              await this.recordFailure([item], itemError);
            }
          }
        return taken.length;
      }
    }
    return this.scoreHealth(turns);
  }

  /** Scores the first workspace's queued health, in turn order; returns how many accounts it took. */
  private async scoreHealth(turns: readonly string[]): Promise<number> {
    const { db, now } = this.options;
    this.healthDueAt = Date.now() + healthTurnMs;
    for (const workspaceId of turns) {
      const scored = await scoreQueuedHealth(workspaceScope(db, workspaceId, now), healthBatchSize);
      if (scored > 0) return scored;
    }
    return 0;
  }

  /** Claims a workspace's work with `claim` and evaluates it in one transaction; returns how many items it took. */
  private async apply(
    workspace: WorkspaceScope,
    claim: (tx: WorkspaceScope) => Promise<ClaimedWork[]>,
    onClaimed?: (claimed: ClaimedWork[]) => void,
  ): Promise<number> {
    const { metrics } = this.options;
    const started = performance.now();
    const outcome = await inWorkspaceTransaction(workspace, async (scope) => {
      await limitStatementTime(scope.db, this.options.statementTimeoutMs ?? defaultWorkStatementTimeoutMs, { parallelQuery: false });
      const claimed = await claim(scope);
      onClaimed?.(claimed);
      if (claimed.length === 0) return undefined;
      const workspaceId = scope.workspaceId;
      this.lastWorkspace = workspaceId;
      await lockSegmentDefinitions(scope, 'shared');
      const segments = await loadLiveSegments(scope);
      const { work, deferred } = await expandWork(scope, segments, claimed);
      await lockProfiles(
        scope,
        work.map((w) => w.profileId),
      );
      // The accounts' rollups of these people go to the queue, decided once per account however many
      // of its people's batches queued them (see `expandWork`); the person batch already queued their
      // health, so an account's `person:` topics are not health's again when it comes back.
      await enqueueSegmentWork(scope, deferred);
      await queueHealthForWork(scope, withoutPeopleTopics(work));
      // Evaluated, and failures stamped, at one instant.
      const at = atOneInstant(scope);
      const result = await evaluateProfiles(at, segments, work);
      const failures = await requeueFailures(at, claimed, result);
      await enqueueSegmentWork(scope, result.cascade);
      return { workspaceId, claimed, result, failures };
    });
    if (!outcome) return 0;
    const committed = Date.now();
    metrics?.recordBatch({
      workspaceId: outcome.workspaceId,
      at: this.options.now(),
      items: outcome.claimed.length,
      decided: outcome.result.decided,
      changes: outcome.result.changes,
      lagsMs: outcome.claimed.map((c) => committed - c.queuedAt.getTime()),
      tookMs: performance.now() - started,
    });
    for (const failure of outcome.failures) this.reportFailure(failure);
    return outcome.claimed.length;
  }

  /** Counts a failed attempt on items whose evaluation failed as a whole, in a transaction of its own. */
  private async recordFailure(items: readonly ClaimedWork[], error: unknown): Promise<void> {
    const { db, now } = this.options;
    const workspaceId = items[0]!.workspaceId;
    const failure = { segmentKey: null, error: describeWorkFailure(error) };
    const outcome = await inWorkspaceTransaction(workspaceScope(db, workspaceId, now), async (tx) => {
      await limitStatementTime(tx.db, this.options.statementTimeoutMs ?? defaultWorkStatementTimeoutMs);
      return recordWorkFailure(
        tx,
        items.map((i) => i.workId),
        failure,
      );
    });
    this.reportFailure({ workspaceId, ...failure, ...outcome });
  }

  private reportFailure(failure: WorkFailureReport): void {
    this.options.metrics?.recordFailure(failure);
    this.options.onFailure?.(failure);
  }

  private notify(): void {
    this.pending = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let done = 0;
      this.pending = false;
      try {
        done = await this.processBatch();
      } catch (error) {
        this.options.onError?.(error);
        await this.sleep(1000);
        continue;
      }
      if (done === 0 && !this.pending) await this.sleep(this.options.pollMs ?? 1000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/**
 * One item per profile, plus what a change implies for the other level. An account's trait change
 * concerns the person rules that read `account.x`: its people are decided in this batch. A
 * person's change concerns the account rules that roll people up (`count(people where …)`): those
 * accounts are queued (`deferred`), not decided here, and only for the topics an account rule
 * reads. Rolling an account up reads all its people, so deciding it once for all the batches that
 * queued it while the workers were behind is the cheaper way; and a batch of people then locks no
 * account, so two workers (or worker processes) with people of one account do not wait for each
 * other. Each is expanded only when some segment reads that way.
 */
async function expandWork(
  scope: WorkspaceScope,
  segments: readonly LiveSegment[],
  claimed: readonly ClaimedWork[],
): Promise<{ work: ProfileWork[]; deferred: SegmentWork[] }> {
  const work = new WorkCollector();
  for (const item of claimed) work.add(item.target, item.profileId, item.topics, item.cause, item.attempts);
  const direct = work.profiles();
  const deferred = new WorkCollector();

  /** Adds, for each linked profile of the other level, the topics `topicsFor` derives, to `into`. */
  const propagate = async (from: Target, topicsFor: (topic: string) => string[], into: WorkCollector) => {
    const derived = new Map(
      direct.filter((w) => w.target === from).map((w) => [w.profileId, { item: w, topics: [...w.topics].flatMap(topicsFor) }]),
    );
    for (const [id, entry] of derived) if (entry.topics.length === 0) derived.delete(id);
    const links = await findLinkedProfiles(scope, from, [...derived.keys()]);
    for (const link of links) {
      const { item, topics } = derived.get(link.from)!;
      into.add(from === 'person' ? 'account' : 'person', link.to, topics, item.cause, item.attempts ?? 0);
    }
  };
  if (anyDependsOn(segments, 'account', 'person:')) {
    const accountRules = segments.filter((s) => s.target === 'account');
    // Only the topics some account rule reads: most people's events concern no rollup.
    await propagate('person', (t) => (accountRules.some((s) => concerns(s, [`person:${t}`])) ? [`person:${t}`] : []), deferred);
  }
  if (anyDependsOn(segments, 'person', 'account-')) {
    // A trait, or what changes a computed field (`health`), reaches the account's people as `account-TOPIC`.
    const computed = new Set(computedFields('account').flatMap((f) => f.topics));
    await propagate(
      'account',
      (t) =>
        t === '*'
          ? ['account-trait:*', ...[...computed].map((c) => `account-${c}`)]
          : t.startsWith('trait:') || computed.has(t)
            ? [`account-${t}`]
            : [],
      work,
    );
  }
  return { work: work.profiles(), deferred: deferred.work() };
}

/**
 * The work as health scoring should see it: an account's `person:` topics come from its people's
 * batch (queued by `expandWork`), which queued the account's health already.
 */
function withoutPeopleTopics(work: readonly ProfileWork[]): ProfileWork[] {
  return work.map((w) => (w.target === 'account' ? { ...w, topics: new Set([...w.topics].filter((t) => !t.startsWith('person:'))) } : w));
}

/**
 * Queues the work of each failed segment again, for that segment only (`only:KEY`), one attempt
 * more, in the batch's transaction: the rest of the batch commits, the failing part backs off.
 */
async function requeueFailures(
  scope: WorkspaceScope,
  claimed: readonly ClaimedWork[],
  result: EvaluationResult,
): Promise<WorkFailureReport[]> {
  const { workspaceId } = scope;
  if (result.failures.length === 0) return [];
  const oldest = new Date(Math.min(...claimed.map((c) => c.queuedAt.getTime())));
  const queuedAt = new Map<string, Date>();
  for (const c of claimed) {
    const at = queuedAt.get(c.profileId);
    if (!at || c.queuedAt < at) queuedAt.set(c.profileId, c.queuedAt);
  }
  // An active and a building version of one key fail as one segment.
  const byKey = new Map<string, { items: Map<string, ProfileWork>; error: unknown }>();
  for (const failure of result.failures) {
    let entry = byKey.get(failure.segment.key);
    if (!entry) byKey.set(failure.segment.key, (entry = { items: new Map(), error: failure.error }));
    for (const item of failure.items) entry.items.set(`${item.target}:${item.profileId}`, item);
  }
  const reports: WorkFailureReport[] = [];
  for (const [segmentKey, { items, error }] of byKey) {
    const failure = { segmentKey, error: describeWorkFailure(error) };
    const outcome = await requeueFailedWork(
      scope,
      [...items.values()].map((i) => ({
        target: i.target,
        profileId: i.profileId,
        topics: [onlySegmentTopic(segmentKey)],
        cause: i.cause,
        attempts: (i.attempts ?? 0) + 1,
        queuedAt: queuedAt.get(i.profileId) ?? oldest,
      })),
      failure,
    );
    reports.push({ workspaceId, ...failure, ...outcome });
  }
  return reports;
}
