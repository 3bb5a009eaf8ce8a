import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { listBuildingVersions, type Database } from '@strata/storage';
import { backfillVersion } from './backfill.js';
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
  log?: (level: 'info' | 'error', message: string, data?: Record<string, unknown>) => void;
}

/**
 * Everything that keeps segments current in one process: the live worker, the time sweep, and
 * upkeep (predefined segments of new workspaces, backfills a crashed process left building).
 * Run one per process; several processes share the work through PostgreSQL.
 */
export class SegmentEngine {
  readonly metrics = new SegmentMetrics();
  readonly workers: LiveSegmentWorker[];
  private readonly sweeper: TimeSweeper;
  private upkeep: Promise<void> | undefined;
  lastSweep: { at: Date; queued: number } | undefined;

  constructor(private readonly options: SegmentEngineOptions) {
    const log = options.log ?? (() => undefined);
    this.workers = Array.from(
      { length: options.workers ?? 2 },
      () =>
        new LiveSegmentWorker({
          db: options.db,
          ...(options.pool ? { pool: options.pool } : {}),
          now: options.now,
          metrics: this.metrics,
          onError: (error) => log('error', 'live segment evaluation failed; retrying', { error: String(error) }),
        }),
    );
    this.sweeper = new TimeSweeper({
      db: options.db,
      now: options.now,
      intervalMs: options.sweepIntervalMs ?? 15_000,
      onSwept: (result) => {
        this.lastSweep = { at: result.at, queued: result.queued };
        this.upkeep ??= this.runUpkeep().finally(() => (this.upkeep = undefined));
      },
      onError: (error) => log('error', 'time sweep failed; retrying at the next tick', { error: String(error) }),
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
    try {
      for (const workspaceId of await workspacesMissingPredefined(db)) {
        const created = await ensurePredefinedSegments(db, workspaceId, { now });
        if (created.length > 0) log('info', 'predefined segments created', { workspaceId, segments: created });
      }
      for (const building of await listBuildingVersions(db)) {
        const outcome = await backfillVersion(db, building.workspaceId, building.key, building.version, { now });
        if (outcome === 'activated') log('info', 'resumed backfill finished', { ...building });
      }
    } catch (error) {
      log('error', 'segment upkeep failed; retrying at the next sweep', { error: String(error) });
    }
  }
}
