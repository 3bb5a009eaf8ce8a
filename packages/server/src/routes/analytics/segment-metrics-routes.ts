import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clvAssumption, metricIntervals } from '@strata/core';
import { segmentMetricSeries } from '@strata/engine';
import { readAnalyticsSettings } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';
import { dayParameter, dayRangeOf, metricsOf, metricsParameter, segmentNamed } from './analytics-query.js';

const seriesPoint = z
  .object({ at: z.string().describe("the bucket's first day") })
  // Every other property is a metric (a number, or null); `at` is the one string.
  .catchall(z.union([z.number().nullable(), z.string()]))
  .describe('the metrics of one bucket; null where there was nothing to measure');

/** A segment's metrics over time: GET /segments/{key}/metrics. */
export function registerSegmentMetricsRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/segments/:key/metrics',
    {
      schema: {
        operationId: 'getSegmentMetrics',
        summary: "A segment's metrics per day, week or month (workspace time zone), today always included; docs/analytics.md defines each",
        tags: ['analytics'],
        params: z.object({ key: z.string().max(64) }),
        querystring: z.object({
          from: dayParameter.optional().describe('first day (default: 29 days before `to`)'),
          to: dayParameter.optional().describe('last day (default: today); the series runs to today whatever it says'),
          interval: z.enum(metricIntervals).default('day'),
          metrics: metricsParameter,
        }),
        response: {
          200: z.object({
            timezone: z.string(),
            interval: z.enum(metricIntervals),
            series: z.array(seriesPoint),
            assumptions: z.object({ clv: z.string() }),
          }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const segment = await segmentNamed(scope, request.params.key);
      const metrics = metricsOf(request.query.metrics);
      const range = await dayRangeOf(scope, request.query);
      const { interval } = request.query;
      const series = await segmentMetricSeries(scope, segment, { from: range.from, to: range.to, interval, metrics });
      return {
        timezone: range.timezone,
        interval,
        series: series.map((point) => ({ ...point.values, at: point.at })),
        assumptions: { clv: clvAssumption(await readAnalyticsSettings(scope)) },
      };
    },
  );
}
