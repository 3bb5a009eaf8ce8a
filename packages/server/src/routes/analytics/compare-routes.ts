import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { compareSegments } from '@strata/engine';
import type { Authenticated } from '../../http/management-auth.js';
import { dayParameter, dayRangeOf, metricsOf, metricsParameter, periodOf, segmentsNamed } from './analytics-query.js';

const comparedMetric = z.object({
  value: z.number().nullable(),
  workspace: z.number().nullable().describe('the same metric over every profile of the target'),
  difference: z.number().nullable().describe('value - workspace'),
  significance: z
    .object({
      test: z.enum(['proportions', 'means']),
      n: z.number(),
      workspaceN: z.number(),
      pValue: z.number().nullable(),
      significant: z.boolean().describe('p < 0.05, two-sided'),
      warnings: z.array(z.string()),
    })
    .nullable()
    .describe('null for counts, money and durations: no test applies'),
});

/** Segments side by side: GET /analytics/compare. */
export function registerCompareRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/analytics/compare',
    {
      schema: {
        operationId: 'compareSegments',
        summary:
          'Segments side by side over a period, each metric beside the workspace as a whole, with a significance test where one applies',
        tags: ['analytics'],
        querystring: z.object({
          segments: z.string().min(1).max(2000).describe('comma-separated segment keys'),
          metrics: metricsParameter,
          from: dayParameter.optional().describe('first day (default: 29 days before `to`)'),
          to: dayParameter.optional().describe('last day (default: today)'),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            segments: z.array(
              z.object({ key: z.string(), target: z.enum(['person', 'account']), metrics: z.record(z.string(), comparedMetric) }),
            ),
            workspace: z.object({
              person: z.record(z.string(), z.number().nullable()).optional(),
              account: z.record(z.string(), z.number().nullable()).optional(),
            }),
            assumptions: z.object({ clv: z.string() }),
          }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segments = await segmentsNamed(scope, request.query.segments, 'segments');
      const metrics = metricsOf(request.query.metrics);
      const range = await dayRangeOf(scope, request.query);
      const comparison = await compareSegments(scope, segments, periodOf(range, scope.clock()), metrics);
      return { from: range.from, to: range.to, ...comparison };
    },
  );
}
