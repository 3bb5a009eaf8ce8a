import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { Database } from '@strata/storage';
import { SubscriberRunner, type Subscriber } from '../changes/index.js';
import { ensureChurnRiskFieldRegistered } from '../churn/index.js';
import { JobRunner, type AnyTask, type TaskServices } from '../jobs/index.js';
import { SegmentEngine, type SegmentEngineOptions } from '../segments/index.js';
import { subscribers as allSubscribers, tasks as allTasks } from './registries.js';

export interface BackgroundRuntimeOptions {
  db: Kysely<Database>;
  pool: Pool;
  now: () => Date;
  services: TaskServices;
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
  segments?: Pick<SegmentEngineOptions, 'workers' | 'sweepIntervalMs' | 'statementTimeoutMs'>;
  /** Jobs this process runs at once; 4 by default. */
  jobConcurrency?: number;
  /** Tests swap in their own; everything else runs the registries. */
  subscribers?: readonly Subscriber[];
  tasks?: Readonly<Record<string, AnyTask>>;
  subscriberPollMs?: number;
}

/**
 * Everything Strata does in the background, in one process: live segment evaluation and the time
 * sweep, change subscribers, and jobs. `strata start` runs it beside the HTTP server, `strata
 * worker` alone; any number of both share one PostgreSQL.
 */
export class BackgroundRuntime {
  readonly segments: SegmentEngine;
  readonly subscribers: SubscriberRunner;
  readonly jobs: JobRunner;

  constructor(options: BackgroundRuntimeOptions) {
    // Live segments may read churn_risk.
    ensureChurnRiskFieldRegistered();
    const log = options.log ?? (() => undefined);
    this.segments = new SegmentEngine({
      db: options.db,
      pool: options.pool,
      now: options.now,
      ...options.segments,
      log: (level, message, data) => log(level, message, { component: 'segments', ...data }),
    });
    this.subscribers = new SubscriberRunner({
      db: options.db,
      pool: options.pool,
      now: options.now,
      subscribers: options.subscribers ?? allSubscribers,
      ...(options.subscriberPollMs !== undefined ? { pollMs: options.subscriberPollMs } : {}),
      log: (level, message, data) => log(level, message, { component: 'subscribers', ...data }),
    });
    this.jobs = new JobRunner({
      db: options.db,
      pool: options.pool,
      now: options.now,
      tasks: options.tasks ?? allTasks,
      services: options.services,
      ...(options.jobConcurrency !== undefined ? { concurrency: options.jobConcurrency } : {}),
      log: (level, message, data) => log(level, message, { component: 'jobs', ...data }),
    });
  }

  async start(): Promise<void> {
    await this.segments.start();
    await this.jobs.start();
    await this.subscribers.start();
  }

  /** Stops taking work and waits for what is running; stops in the reverse order of start. */
  async stop(): Promise<void> {
    await this.subscribers.stop();
    await this.jobs.stop();
    await this.segments.stop();
  }
}
