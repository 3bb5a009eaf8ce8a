import { Logger, parseCronItems, run, type Runner, type Task as GraphileTask, type TaskList } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { jobSchema, type Database } from '@strata/storage';
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
}

/**
 * Runs background jobs with graphile-worker on Strata's pool: LISTEN/NOTIFY wakes it the moment a
 * job commits (no polling delay), failed jobs retry with exponential backoff, and cron schedules
 * are evaluated in UTC with a run at most once per tick across all processes.
 */
export class JobRunner {
  private runner: Runner | undefined;

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
        await task.run(parsed.data, {
          db,
          now,
          attempt: helpers.job.attempts,
          maxAttempts: helpers.job.max_attempts,
          lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
          log: (level, message, data) => log(level, message, { task: name, job: helpers.job.id, ...data }),
          services: this.options.services,
        });
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
    this.runner = await run({
      pgPool: this.options.pool,
      schema: jobSchema,
      taskList,
      parsedCronItems,
      concurrency: this.options.concurrency ?? 4,
      noHandleSignals: true,
      pollInterval: 2000,
      logger: new Logger((scope) => (level, message, meta) => {
        // LogLevel is a const enum of strings; compared as text so isolated modules need not inline it.
        const name = String(level);
        if (name === 'error' || name === 'warning')
          log(name === 'error' ? 'error' : 'warn', message, { component: 'jobs', ...scope, ...meta });
      }),
    });
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    this.runner = undefined;
  }
}
