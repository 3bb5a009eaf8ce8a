import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { readSubscriberStatus, subscribers } from '@strata/engine';
import { listJobs, readHealthBacklog, readSegmentBacklog, readWorkFailures, type Database } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';

const subscriberSchema = z.object({
  name: z.string(),
  cursor: z.string().describe('txid.changeId of the last change handled'),
  lagSeconds: z.number().describe('age of the oldest change not yet handled; 0 when caught up'),
  backlog: z.number().describe('changes not yet handled (counted up to 10,000)'),
  lastError: z.string().nullable(),
  handled: z.number(),
  failures: z.number().describe('failed attempts in a row; 0 once a batch succeeds'),
  nextAttemptAt: z.date().nullable(),
});
const jobSchema = z.object({
  id: z.string(),
  task: z.string(),
  queue: z.string().nullable(),
  state: z.enum(['queued', 'running', 'retrying', 'dead']),
  attempts: z.number(),
  maxAttempts: z.number(),
  runAt: z.date(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  key: z.string().nullable(),
});

const liveSchema = z.object({
  queued: z.number().describe('profile changes waiting for live evaluation'),
  oldestQueuedSeconds: z.number().describe('age of the oldest of them; 0 when none wait'),
  retrying: z.number().describe('profile changes whose evaluation failed, waiting to be retried with backoff'),
  parked: z.number().describe('profile changes parked after failing every attempt (their segments say which)'),
  lastError: z.string().nullable(),
  lastErrorAt: z.date().nullable(),
  healthQueued: z.number().describe('accounts waiting for their health to be scored again (scored after the segments of a batch)'),
  healthOldestSeconds: z.number().describe('age of the oldest of them; 0 when none wait'),
});

/** What the background spine is doing for this workspace: live evaluation's queue, subscribers' positions and its jobs. */
export function registerSystemRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; auth: Authenticated; now: () => Date },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/system/live',
    {
      schema: {
        operationId: 'readLiveEvaluation',
        summary: "Live evaluation's queue for this workspace: what waits, for how long, and what failed",
        tags: ['system'],
        response: { 200: liveSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'system:read');
      const [backlog, failures, health] = [await readSegmentBacklog(scope), await readWorkFailures(scope), await readHealthBacklog(scope)];
      const age = (since: Date | null) => (since ? Math.max(0, (deps.now().getTime() - since.getTime()) / 1000) : 0);
      return {
        queued: backlog.queued,
        oldestQueuedSeconds: age(backlog.oldest),
        ...failures,
        healthQueued: health.queued,
        healthOldestSeconds: age(health.oldest),
      };
    },
  );
  api.get(
    '/system/subscribers',
    {
      schema: {
        operationId: 'listSubscribers',
        summary: "Change subscribers (membership webhooks, …): each one's cursor, lag, backlog and last error",
        tags: ['system'],
        response: { 200: z.array(subscriberSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'system:read');
      return readSubscriberStatus(scope, subscribers);
    },
  );
  api.get(
    '/system/jobs',
    {
      schema: {
        operationId: 'listJobs',
        summary: "The workspace's background jobs, newest first; state=dead is the dead-letter view",
        tags: ['system'],
        querystring: z.object({
          state: z.enum(['queued', 'running', 'retrying', 'dead']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.array(jobSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'system:read');
      return listJobs(scope, { state: request.query.state, limit: request.query.limit });
    },
  );
}
