import { runMigrations, Logger } from 'graphile-worker';
import { sql, type Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/**
 * Background jobs live in graphile-worker's own schema. It is installed and upgraded with Strata's
 * migrations, so every database that Strata can use can also take jobs in its transactions.
 */
export const jobSchema = 'graphile_worker';

/** Installs or upgrades the job queue's schema; concurrent callers wait for or skip each other. */
export async function installJobSchema(pool: Pool): Promise<void> {
  await runMigrations({ pgPool: pool, schema: jobSchema, logger: quietLogger });
}

// The migrator logs each step at info; Strata reports its own migrations instead.
const quietLogger = new Logger(() => () => undefined);

export interface JobRequest {
  task: string;
  payload: Record<string, unknown>;
  /** Jobs of one queue run one at a time, in order (a singleton task names its own queue). */
  queue?: string | undefined;
  runAt?: Date | undefined;
  maxAttempts?: number | undefined;
  /** A pending job with the same key is replaced, not doubled. */
  key?: string | undefined;
}

/**
 * Adds jobs in one statement, in the caller's transaction: they exist exactly when the change
 * that causes them commits, and a worker is woken by graphile-worker's NOTIFY on commit. A batch
 * (a subscriber's deliveries) costs one round trip, not one per job.
 */
export async function addJobs(db: Kysely<Database>, jobs: readonly JobRequest[]): Promise<void> {
  if (jobs.length === 0) return;
  const specs = jobs.map((job) => ({
    identifier: job.task,
    payload: job.payload,
    queue_name: job.queue ?? null,
    run_at: job.runAt?.toISOString() ?? null,
    max_attempts: job.maxAttempts ?? null,
    job_key: job.key ?? null,
  }));
  await sql`
    SELECT FROM graphile_worker.add_jobs(
      array(SELECT json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(specs)}::json))
    )`.execute(db);
}

export type JobState = 'queued' | 'running' | 'retrying' | 'dead';

export interface JobRecord {
  id: string;
  task: string;
  queue: string | null;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
  createdAt: Date;
  key: string | null;
}

/**
 * A workspace's jobs (every Strata job names its workspace in the payload), newest first. Finished
 * jobs are deleted; a job that used all its attempts stays: that is the dead-letter view. The
 * public `jobs` view leaves out the payload, so this reads graphile-worker's tables (0.17 layout).
 */
export async function listJobs(scope: WorkspaceScope, filter: { state?: JobState | undefined; limit: number }): Promise<JobRecord[]> {
  const { db, workspaceId } = scope;
  // A job's attempts count up when it is taken, so a job on its last attempt is running, not
  // dead, until its failure is written and its lock released.
  const state = sql<JobState>`CASE
    WHEN j.locked_at IS NOT NULL THEN 'running'
    WHEN j.attempts >= j.max_attempts THEN 'dead'
    WHEN j.attempts > 0 THEN 'retrying'
    ELSE 'queued' END`;
  const rows = await sql<{
    id: string;
    task: string;
    queue: string | null;
    state: JobState;
    attempts: number;
    max_attempts: number;
    run_at: Date;
    last_error: string | null;
    created_at: Date;
    key: string | null;
  }>`
    SELECT * FROM (
      SELECT j.id::text AS id, t.identifier AS task, q.queue_name AS queue, ${state} AS state, j.attempts,
        j.max_attempts, j.run_at, j.last_error, j.created_at, j.key
      FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
      WHERE j.payload->>'workspaceId' = ${workspaceId}
    ) x
    ${filter.state ? sql`WHERE x.state = ${filter.state}` : sql``}
    ORDER BY x.created_at DESC, x.id DESC
    LIMIT ${filter.limit}`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    task: r.task,
    queue: r.queue,
    state: r.state,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: r.run_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    key: r.key,
  }));
}
