import type { Kysely } from 'kysely';
import type { Target } from '@strata/core';
import type { Pool } from 'pg';
import {
  claimSegmentWork,
  enqueueSegmentWork,
  findLinkedProfiles,
  listenForNotifications,
  lockProfiles,
  lockSegmentDefinitions,
  segmentWorkChannel,
  type ClaimedWork,
  type Database,
} from '@strata/storage';
import { evaluateProfiles, type ProfileWork } from './evaluate-profiles.js';
import { anyDependsOn, loadLiveSegments, type LiveSegment } from './live-segments.js';
import { WorkCollector } from './work-collector.js';
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
}

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

  /** Takes one batch and applies it; returns how many queued items it took. */
  async processBatch(): Promise<number> {
    const { db, now, metrics } = this.options;
    // Each item takes a lock or two (its profile, its accounts): keep well inside PostgreSQL's lock table.
    const batchSize = this.options.batchSize ?? 500;
    const started = performance.now();
    const outcome = await db.transaction().execute(async (tx) => {
      const claimed = await claimSegmentWork(tx, batchSize);
      if (claimed.length === 0) return undefined;
      const workspaceId = claimed[0]!.workspaceId;
      await lockSegmentDefinitions(tx, workspaceId, 'shared');
      const segments = await loadLiveSegments(tx, workspaceId);
      const work = await expandWork(tx, workspaceId, segments, claimed);
      await lockProfiles(
        tx,
        workspaceId,
        work.map((w) => w.profileId),
      );
      const result = await evaluateProfiles(tx, workspaceId, segments, work, now());
      await enqueueSegmentWork(tx, workspaceId, result.cascade);
      return { claimed, result };
    });
    if (!outcome) return 0;
    const committed = Date.now();
    metrics?.recordBatch({
      items: outcome.claimed.length,
      decided: outcome.result.decided,
      changes: outcome.result.changes,
      lagsMs: outcome.claimed.map((c) => committed - c.queuedAt.getTime()),
      tookMs: performance.now() - started,
    });
    return outcome.claimed.length;
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
 * One item per profile, plus what a change implies for the other level: a person's change
 * concerns the account rules that roll people up, an account's trait change concerns the person
 * rules that read `account.x`. Expanded only when some segment reads that way.
 */
async function expandWork(
  db: Kysely<Database>,
  workspaceId: string,
  segments: readonly LiveSegment[],
  claimed: readonly ClaimedWork[],
): Promise<ProfileWork[]> {
  const work = new WorkCollector();
  for (const item of claimed) work.add(item.target, item.profileId, item.topics, item.cause);
  const direct = work.profiles();

  /** Adds, for each linked profile of the other level, the topics `topicsFor` derives. */
  const propagate = async (from: Target, topicsFor: (topic: string) => string[]) => {
    const items = direct.filter((w) => w.target === from && [...w.topics].some((t) => topicsFor(t).length > 0));
    const byId = new Map(items.map((i) => [i.profileId, i]));
    const links = await findLinkedProfiles(
      db,
      workspaceId,
      from,
      items.map((i) => i.profileId),
    );
    for (const link of links) {
      const item = byId.get(link.from)!;
      work.add(from === 'person' ? 'account' : 'person', link.to, [...item.topics].flatMap(topicsFor), item.cause);
    }
  };
  if (anyDependsOn(segments, 'account', 'person:')) await propagate('person', (t) => [`person:${t}`]);
  if (anyDependsOn(segments, 'person', 'account-trait:'))
    await propagate('account', (t) => (t === '*' ? ['account-trait:*'] : t.startsWith('trait:') ? [`account-${t}`] : []));
  return work.profiles();
}
