import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import {
  advanceCursor,
  formatCursor,
  listCursors,
  listenForNotifications,
  lockCursor,
  readSegmentChangesAfter,
  recordCursorFailure,
  segmentChangeBacklog,
  workspacesWithNewSegmentChanges,
  type Database,
  atOneInstant,
  inWorkspaceTransaction,
  workspaceScope,
  type WorkspaceScope,
} from '@strata/storage';
import type { Subscriber } from './subscriber.js';

export interface SubscriberRunnerOptions {
  db: Kysely<Database>;
  pool?: Pool;
  now: () => Date;
  subscribers: readonly Subscriber[];
  /** How often to look for changes when no notification came (a change can become readable late). */
  pollMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
}

/** A subscriber's position and health in one workspace, as the system view shows it. */
export interface SubscriberStatus {
  name: string;
  cursor: string;
  lagSeconds: number;
  backlog: number;
  lastError: string | null;
  handled: number;
  failures: number;
  nextAttemptAt: Date | null;
}

/** Failures back off 1 s, doubling, up to 5 minutes: a subscriber that fails keeps trying. */
export function subscriberBackoffMs(failures: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failures - 1), 300_000);
}

/** Changes counted behind a cursor: enough to tell a lag from a stall, cheap to count during a burst. */
const backlogCap = 10_000;

/** Positions, lag and errors of the given subscribers in a workspace (no runner needed). */
export async function readSubscriberStatus(scope: WorkspaceScope, subscribers: readonly Subscriber[]): Promise<SubscriberStatus[]> {
  const now = scope.clock();
  const cursors = new Map((await listCursors(scope)).map((c) => [c.subscriber, c]));
  const statuses: SubscriberStatus[] = [];
  for (const subscriber of subscribers) {
    const cursor = cursors.get(subscriber.name) ?? {
      txid: '0',
      changeId: 0,
      handled: 0,
      failures: 0,
      lastError: null,
      nextAttemptAt: null,
    };
    const { backlog, oldestAt } = await segmentChangeBacklog(scope, cursor, backlogCap);
    statuses.push({
      name: subscriber.name,
      cursor: formatCursor(cursor),
      lagSeconds: oldestAt ? Math.max(0, (now.getTime() - oldestAt.getTime()) / 1000) : 0,
      backlog,
      lastError: cursor.lastError,
      handled: cursor.handled,
      failures: cursor.failures,
      nextAttemptAt: cursor.nextAttemptAt,
    });
  }
  return statuses;
}

/**
 * Feeds each subscriber the changes after its cursor, workspace by workspace. Any number of
 * processes may run one: a cursor is handled under a row lock taken with SKIP LOCKED, so each
 * batch is handled by one process at a time.
 */
export class SubscriberRunner {
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopListening: (() => Promise<void>) | undefined;

  constructor(private readonly options: SubscriberRunnerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    if (this.options.pool)
      this.stopListening = await listenForNotifications(this.options.pool, 'strata_segment_changes', () => this.wake(), {
        onConnectionLost: (error) => this.log('warn', 'change notifications lost; reconnecting', { err: error }),
      });
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.stopListening?.();
    await this.running;
  }

  /** Runs one pass now (tests drive the runner with this). Answers how many changes were handled. */
  async runOnce(): Promise<number> {
    let handled = 0;
    for (const subscriber of this.options.subscribers) {
      let workspaces: string[];
      try {
        workspaces = await workspacesWithNewSegmentChanges(this.options.db, subscriber.name);
      } catch (error) {
        this.log('error', 'change subscribers could not look for changes; retrying', { subscriber: subscriber.name, err: error });
        continue;
      }
      for (const workspaceId of workspaces) {
        for (;;) {
          const result = await this.handleBatch(subscriber, workspaceId);
          handled += result;
          if (result === 0 || this.stopped) break;
        }
      }
    }
    return handled;
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = (async () => {
      do {
        this.again = false;
        await this.runOnce();
      } while (this.again && !this.stopped);
    })()
      .catch((error: unknown) => this.log('error', 'change subscribers failed; retrying', { err: error }))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => this.wake(), this.options.pollMs ?? 1000);
      });
  }

  /** One transaction: lock the cursor, read after it, handle, advance. Answers changes handled. */
  private async handleBatch(subscriber: Subscriber, workspaceId: string): Promise<number> {
    // One instant for the batch: the cursor's stamps and the handler's clock.
    const scope = atOneInstant(workspaceScope(this.options.db, workspaceId, this.options.now));
    const now = scope.clock();
    try {
      return await inWorkspaceTransaction(scope, async (tx) => {
        const cursor = await lockCursor(tx, subscriber.name);
        if (!cursor) return 0;
        const changes = await readSegmentChangesAfter(tx, cursor, subscriber.batchSize ?? 500);
        if (changes.length === 0) return 0;
        await subscriber.handle(changes, {
          scope: tx,
          idempotencyKey: (change) => `${subscriber.name}:${workspaceId}:${change.changeId}`,
        });
        const last = changes[changes.length - 1]!;
        await advanceCursor(tx, subscriber.name, last, changes.length);
        return changes.length;
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      try {
        const cursors = await listCursors(scope);
        const failures = (cursors.find((c) => c.subscriber === subscriber.name)?.failures ?? 0) + 1;
        await recordCursorFailure(scope, subscriber.name, message, new Date(now.getTime() + subscriberBackoffMs(failures)));
        this.log('warn', 'change subscriber failed; retrying with backoff', {
          subscriber: subscriber.name,
          workspaceId,
          failures,
          err: error,
        });
      } catch (recordError) {
        this.log('error', 'change subscriber failed and its failure could not be recorded', {
          subscriber: subscriber.name,
          workspaceId,
          err: recordError,
        });
      }
      return 0;
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void {
    this.options.log?.(level, message, data);
  }
}
