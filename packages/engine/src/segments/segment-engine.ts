import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { listBuildingVersions, workspaceScope, type Database } from '@strata/storage';
import { backfillVersion, BackfillFailedError } from './backfill.js';
import { LiveSegmentWorker } from './live-worker.js';
import { SegmentMetrics } from './segment-metrics.js';
import { ensurePredefinedSegments, workspacesMissingPredefined } from './segment-service.js';
import { TimeSweeper } from './time-sweep.js';

export interface SegmentEngineOptions {
  db: Kysely<Database>;
  pool?: Pool;
  now: () => Date;
  /** Live workers in this process; while one evaluates a batch, another takes what arrived meanwhile. */
  workers?: number;
  /** How often time is swept; memberships that hang on time change within this of the exact moment. */
  sweepIntervalMs?: number;
  /**
   * Failures come as `data.err`, the error itself, so the log keeps its stack; the root's logger
   * serializes it (the server's keeps a database error's statement values out of the log).
   */
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
  /** Each worker and backfill statement may run this long before it fails and its work backs off; 30 s by default. */
  statementTimeoutMs?: number;
}

/**
 * Everything that keeps segments current in one process: the live worker, the time sweep, and
 * upkeep (predefined segments of new workspaces, backfills a crashed process left building).
 * Run one per process; several processes share the work through PostgreSQL.
 */
export class SegmentEngine {
  readonly metrics = new SegmentMetrics();
  readonly workers: LiveSegmentWorker[];
  /** The statement timeout of this engine's work, for backfills that requests start. */
  readonly statementTimeoutMs: number | undefined;
  private readonly sweeper: TimeSweeper;
  private upkeep: Promise<void> | undefined;
  lastSweep: { at: Date; queued: number } | undefined;

  constructor(private readonly options: SegmentEngineOptions) {
    const log = options.log ?? (() => undefined);
    this.statementTimeoutMs = options.statementTimeoutMs;
    this.workers = Array.from(
      { length: options.workers ?? 2 },
      () =>
        new LiveSegmentWorker({
          db: options.db,
          ...(options.pool ? { pool: options.pool } : {}),
          now: options.now,
          metrics: this.metrics,
          ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
          onError: (error) => log('error', 'live segment work could not be taken; retrying', { err: error }),
          onFailure: (failure) =>
            log(
              'warn',
              failure.parked > 0 ? 'segment evaluation failed; work parked' : 'segment evaluation failed; retrying with backoff',
              { ...failure },
            ),
        }),
    );
    this.sweeper = new TimeSweeper({
      db: options.db,
      now: options.now,
      intervalMs: options.sweepIntervalMs ?? 15_000,
      ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
      onSwept: (result) => {
        this.lastSweep = { at: result.at, queued: result.queued };
        this.upkeep ??= this.runUpkeep().finally(() => (this.upkeep = undefined));
      },
      onError: (error) => log('error', 'time sweep failed; retrying at the next tick', { err: error }),
    });
  }

  /** Creates missing predefined segments, then starts live evaluation and the time sweep. */
  async start(): Promise<void> {
    await this.runUpkeep();
    for (const worker of this.workers) await worker.start();
    this.sweeper.start();
  }

  async stop(): Promise<void> {
    await this.sweeper.stop();
    for (const worker of this.workers) await worker.stop();
    await this.upkeep;
  }

  private async runUpkeep(): Promise<void> {
    const { db, now } = this.options;
    const log = this.options.log ?? (() => undefined);
    const runOptions = { ...(this.statementTimeoutMs !== undefined ? { statementTimeoutMs: this.statementTimeoutMs } : {}) };
    let missing: string[] = [];
    try {
      missing = await workspacesMissingPredefined(db);
    } catch (error) {
      log('error', 'segment upkeep failed; retrying at the next sweep', { err: error });
    }
    for (const workspaceId of missing) {
      try {
        const created = await ensurePredefinedSegments(workspaceScope(db, workspaceId, now), runOptions);
        if (created.length > 0) log('info', 'predefined segments created', { workspaceId, segments: created });
      } catch (error) {
        log('error', 'predefined segments could not be created; retrying at the next sweep', {
          workspaceId,
          err: error,
        });
      }
    }
    // Each backfill on its own: one that fails backs off (recorded on its version) and never stops the others.
    let building: Awaited<ReturnType<typeof listBuildingVersions>> = [];
    try {
      building = await listBuildingVersions(db, now());
    } catch (error) {
      log('error', 'segment upkeep failed; retrying at the next sweep', { err: error });
    }
    for (const version of building) {
      try {
        const outcome = await backfillVersion(workspaceScope(db, version.workspaceId, now), version.key, version.version, runOptions);
        if (outcome === 'activated') log('info', 'resumed backfill finished', { ...version });
      } catch (error) {
        const attempts = error instanceof BackfillFailedError ? { attempts: error.attempts } : {};
        log('warn', 'resumed backfill failed; retrying with backoff', { ...version, ...attempts, err: error });
      }
    }
  }
}
