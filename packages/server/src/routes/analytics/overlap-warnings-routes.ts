import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAnalyticsWarnings, mixedWarningSource, overlapOfSegments, warningSources } from '@strata/engine';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';

const square = z.array(z.array(z.number()));

/** Overlap between segments and warnings about the segmentation: GET /analytics/overlap, /analytics/warnings. */
export function registerOverlapWarningRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/analytics/overlap',
    {
      schema: {
        operationId: 'getSegmentOverlap',
        summary: 'Members segments share now: the matrix, Jaccard index and containment (row inside column)',
        tags: ['analytics'],
        querystring: z.object({
          segments: z
            .string()
            .max(2000)
            .optional()
            .describe('comma-separated segment keys of one target (default: every segment of `target`)'),
          target: z.enum(['person', 'account']).default('person').describe('whose segments, when `segments` is absent'),
        }),
        response: {
          200: z.object({
            target: z.enum(['person', 'account']),
            segments: z.array(z.string()),
            sizes: z.array(z.number()),
            matrix: square.describe('members in both; sizes on the diagonal'),
            jaccard: square.describe('shared / in either'),
            containment: square.describe("share of the row segment's members also in the column segment"),
          }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const keys = (request.query.segments ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      const result = await overlapOfSegments(scope, { keys: [...new Set(keys)], target: request.query.target });
      if (!result.ok) {
        const { problem } = result;
        const message =
          problem.code === 'unknown-segment'
            ? `segments: no segment "${problem.key}" in this workspace`
            : `segments: ${problem.keys.join(', ')} are not all of one target; compare person segments and account segments apart`;
        throw new AppError('INVALID_INPUT', message, [{ field: 'segments', code: problem.code, message }]);
      }
      return { target: result.target, ...result.overlap };
    },
  );
  api.get(
    '/analytics/warnings',
    {
      schema: {
        operationId: 'listAnalyticsWarnings',
        summary:
          'Warnings about the segmentation (near-duplicate, contained, tiny, giant, empty, unused, too-many, uncovered, ...), with their numbers',
        tags: ['analytics'],
        querystring: z.object({
          mixed: z
            .enum(['true', 'false'])
            .default('false')
            .describe('also look for mixed (under-segmented) segments by clustering each one: seconds per segment on a big workspace'),
        }),
        response: {
          200: z.array(z.object({ code: z.string(), segments: z.array(z.string()), message: z.string() }).catchall(z.unknown())),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      return listAnalyticsWarnings(scope, request.query.mixed === 'true' ? [...warningSources, mixedWarningSource] : warningSources);
    },
  );
}
