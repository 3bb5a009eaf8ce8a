import { Logger, parseCronItems, run, type Runner, type Task as GraphileTask, type TaskList } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { jobSchema, releaseExpiredJobLocks, renewJobLocks, type Database } from '@strata/storage';
import type { AnyTask, TaskContext } from './task.js';

export interface JobRunnerOptions {
  db: Kysely<Database>;
  pool: Pool;
  now: () => Date;
  /** The tasks this process runs, by name (see `tasks` in the engine's task table). */
  tasks: Readonly<Record<string, AnyTask>>;
  /** Jobs run at once in this process. */
  concurrency?: number;
  log?: TaskContext['log'];
  services: TaskContext['services'];
  /**
   * How long a running job's lock holds unrenewed before any process takes the job back and runs
   * it again; 20 s by default. The running process renews it every quarter of that.
   */
  lockLeaseMs?: number;
}

/**
 * Runs background jobs with graphile-worker on Strata's pool: LISTEN/NOTIFY wakes it the moment a
 * job commits (no polling delay), failed jobs retry with exponential backoff, and cron schedules
 * are evaluated in UTC with a run at most once per tick across all processes. A job whose process
 * died runs again once its lock lease runs out (see job-leases.ts in storage).
 */
export class JobRunner {
  private runner: Runner | undefined;
  private readonly runningJobs = new Set<string>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private tending: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private leasing = false;
  private startRunner: () => Promise<Runner> = () => Promise.reject(new Error('the job runner was not started'));

  constructor(private readonly options: JobRunnerOptions) {}

  async start(): Promise<void> {
    const { tasks, db, now } = this.options;
    const log = this.options.log ?? (() => undefined);
    const taskList: TaskList = {};
    for (const [name, task] of Object.entries(tasks)) {
      if (task.name !== name) throw new Error(`task ${task.name} is listed as ${name}`);
      const handler: GraphileTask = async (raw, helpers) => {
        const parsed = task.payload.safeParse(raw);
        if (!parsed.success) throw new Error(`job ${helpers.job.id} of ${name} has an invalid payload: ${parsed.error.message}`);
        this.runningJobs.add(helpers.job.id);
        try {
          await task.run(parsed.data, {
            db,
            now,
            attempt: helpers.job.attempts,
            maxAttempts: helpers.job.max_attempts,
            lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
            log: (level, message, data) => log(level, message, { task: name, job: helpers.job.id, ...data }),
            services: this.options.services,
          });
        } finally {
          this.runningJobs.delete(helpers.job.id);
        }
      };
      taskList[name] = handler;
    }
    const parsedCronItems = parseCronItems(
      Object.values(tasks)
        .filter((task) => task.schedule !== undefined)
        .map((task) => ({
          task: task.name,
          match: task.schedule!,
          identifier: task.name,
          options: { backfillPeriod: 0, maxAttempts: task.maxAttempts ?? 25, ...(task.singleton ? { queueName: task.name } : {}) },
        })),
    );
    this.startRunner = () =>
      run({
        pgPool: this.options.pool,
        schema: jobSchema,
        taskList,
        parsedCronItems,
        concurrency: this.options.concurrency ?? 4,
        noHandleSignals: true,
        pollInterval: 2000,
        // Unbatched, a job's outcome that cannot be written (PostgreSQL away as the job ends) is a
        // promise graphile-worker never awaits: its rejection ends the process. Batched, the write
        // is retried with backoff for minutes and a final failure shuts the runner down (see watch).
        preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
        logger: new Logger((scope) => (level, message, meta) => {
          // LogLevel is a const enum of strings; compared as text so isolated modules need not inline it.
          const name = String(level);
          if (name === 'error' || name === 'warning')
            log(name === 'error' ? 'error' : 'warn', message, { component: 'jobs', ...scope, ...meta });
        }),
      });
    this.stopped = false;
    this.watch(await this.startRunner());
    this.leasing = true;
    this.scheduleLeases();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    // Renewal goes on while running jobs finish, then stops.
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
    this.leasing = false;
    clearTimeout(this.leaseTimer);
    await this.tending;
  }

  /**
   * graphile-worker shuts its pool down when it cannot record a job's outcome (PostgreSQL went away
   * as the job finished), and its promise rejects: unobserved, that rejection ends the process.
   * Strata logs it and starts the runner again once PostgreSQL answers; the job whose outcome was
   * lost runs again when its lock lease runs out.
   */
  private watch(runner: Runner): void {
    this.runner = runner;
    const ended = (error: unknown) => {
      if (this.runner !== runner || this.stopped) return;
      this.runner = undefined;
      this.options.log?.('error', 'the job runner stopped; starting it again', { err: error });
      const restart = () => {
        this.restartTimer = setTimeout(() => {
          if (this.stopped) return;
          this.startRunner().then(
            (next) => {
              if (this.stopped) void next.stop();
              else this.watch(next);
            },
            (failure: unknown) => {
              this.options.log?.('warn', 'the job runner could not start again; retrying', { err: failure });
              restart();
            },
          );
        }, 1000);
      };
      restart();
    };
    runner.promise.then(
      () => ended(new Error('the job runner ended on its own')),
      (error: unknown) => ended(error),
    );
  }

  /** Every quarter lease: renew this process's locks, then take back the ones nobody renewed. */
  private scheduleLeases(): void {
    const leaseMs = this.options.lockLeaseMs ?? 20_000;
    const log = this.options.log ?? (() => undefined);
    this.leaseTimer = setTimeout(() => {
      this.tending = (async () => {
        try {
          await renewJobLocks(this.options.db, [...this.runningJobs]);
          const released = await releaseExpiredJobLocks(this.options.db, leaseMs);
          if (released > 0)
            log('warn', 'jobs whose process stopped renewing their locks (it crashed or stalled) will run again', { jobs: released });
        } catch (error) {
          log('warn', 'job locks could not be renewed or released; retrying', { err: error });
        }
      })();
      void this.tending.then(() => {
        if (this.leasing) this.scheduleLeases();
      });
    }, leaseMs / 4);
  }
}
