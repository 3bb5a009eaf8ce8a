import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestMetricsBackfill } from '@strata/engine';
import { findAnalyticsBackfill, recordAudit } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { dayParameter, dayRangeOf } from './analytics-query.js';

const backfillView = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  done: z.number().describe('segment-days computed'),
  total: z.number().describe("the range's segment-days (0 until the job starts)"),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** The daily metric snapshots' backfill: POST to start one, GET its progress. */
export function registerSnapshotRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/analytics/snapshots/backfill',
    {
      schema: {
        operationId: 'backfillSegmentMetrics',
        summary: "Recompute every segment's stored daily metrics for the days from `from` to `to` from the history, as a background job",
        tags: ['analytics'],
        body: z.object({ from: dayParameter, to: dayParameter }),
        response: { 202: z.object({ id: z.string().describe('the job: GET /analytics/snapshots/backfill/{id}') }) },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'segments:write');
      const range = await dayRangeOf(caller.scope, request.body);
      const id = await requestMetricsBackfill(caller.scope, range.from, range.to);
      await recordAudit(caller.scope, {
        ...auditBy(request, caller),
        kind: 'analytics.backfill-requested',
        subject: id,
        before: null,
        after: { from: range.from, to: range.to },
      });
      return reply.status(202).send({ id });
    },
  );
  api.get(
    '/analytics/snapshots/backfill/:id',
    {
      schema: {
        operationId: 'getSegmentMetricsBackfill',
        summary: "A backfill's progress: segment-days done of total, and how it ended",
        tags: ['analytics'],
        params: z.object({ id: z.string().uuid() }),
        response: { 200: backfillView },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const run = await findAnalyticsBackfill(scope, request.params.id);
      if (!run) throw new AppError('NOT_FOUND', `no backfill "${request.params.id}" in this workspace`);
      return {
        id: run.id,
        from: run.fromDay,
        to: run.toDay,
        status: run.status,
        done: run.done,
        total: run.total,
        error: run.error,
        startedAt: run.startedAt.toISOString(),
        finishedAt: run.finishedAt?.toISOString() ?? null,
      };
    },
  );
}
