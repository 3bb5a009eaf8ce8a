import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { addJobs, type Database, type JobRequest } from '@strata/storage';
import type { OutboundRequest } from '../outbound/index.js';

/** What a task's run gets besides its payload. */
export interface TaskContext {
  db: Kysely<Database>;
  now: () => Date;
  /** 1 on the first run; graphile-worker counts the attempt before running it. */
  attempt: number;
  maxAttempts: number;
  /** The last allowed attempt: a task that keeps its own record of failures marks it failed now. */
  lastAttempt: boolean;
  log: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
  services: TaskServices;
}

/** What the process gives its tasks: secrets to open and the guarded way out to the network. */
export interface TaskServices {
  /** Undefined while STRATA_SECRET_KEY is not configured. */
  secrets?: { open(sealed: Buffer): string; readonly linkKey?: Buffer } | undefined;
  /** Where people reach this Strata (STRATA_PUBLIC_URL, else the listening address), for links in emails. */
  publicUrl?: string | undefined;
  /** Posts through the outbound guard (private addresses refused unless allowed). */
  post(request: OutboundPost): Promise<{ status: number; body: string }>;
  /**
   * Any method through the same guard, with the answer's headers (help-desk APIs: PUT, and
   * Retry-After on a 429). Undefined in processes built without it (tests that call nothing).
   */
  send?: ((request: OutboundRequest) => Promise<OutboundAnswer>) | undefined;
}

/** What `send` answers: status, headers and at most the first bytes of the body. */
export interface OutboundAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface OutboundPost {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A kind of background job. Its payload is checked by `payload` when it runs (jobs outlive
 * deployments, so a stored payload is untrusted input); it always names its workspace.
 */
export interface Task<Payload extends { workspaceId?: string | undefined }> {
  name: string;
  payload: z.ZodType<Payload>;
  run(payload: Payload, context: TaskContext): Promise<void>;
  /** Attempts before the job is dead (kept, listed in the dead-letter view); 25 by default. */
  maxAttempts?: number;
  /** At most one running instance in the whole cluster: its jobs share one serial queue. */
  singleton?: boolean;
  /**
   * A cron schedule evaluated in UTC (graphile-worker's crontab, `m h dom mon dow`). A scheduled
   * run gets `{}` and works out each workspace's local time itself (`workspaces.timezone`).
   */
  schedule?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table holds tasks of any payload
export type AnyTask = Task<any>;

/**
 * Queues a job in the caller's transaction, so it exists exactly when the change that causes it
 * commits. `key` replaces a pending job with the same key instead of adding a second.
 */
export async function enqueue<Payload extends { workspaceId?: string | undefined }>(
  db: Kysely<Database>,
  task: Task<Payload>,
  payload: Payload,
  options: { runAt?: Date; key?: string } = {},
): Promise<void> {
  await enqueueMany(db, task, [{ payload, ...options }]);
}

/** Queues many jobs of one task in one statement, in the caller's transaction, like `enqueue`. */
export async function enqueueMany<Payload extends { workspaceId?: string | undefined }>(
  db: Kysely<Database>,
  task: Task<Payload>,
  jobs: ReadonlyArray<{ payload: Payload; runAt?: Date; key?: string }>,
): Promise<void> {
  await addJobs(
    db,
    jobs.map((job): JobRequest => ({
      task: task.name,
      payload: job.payload,
      queue: task.singleton ? task.name : undefined,
      maxAttempts: task.maxAttempts,
      runAt: job.runAt,
      key: job.key,
    })),
  );
}

/**
 * graphile-worker's retry delay after attempt n is exp(min(n, 10)) seconds: a job that keeps
 * failing is retried for the sum of these before it is dead.
 */
export function retrySpanSeconds(maxAttempts: number): number {
  let total = 0;
  for (let n = 1; n < maxAttempts; n++) total += Math.exp(Math.min(n, 10));
  return total;
}
