import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listDailySizes, readWorkspaceHours } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';

/** The last `days` calendar days in `timezone`, today last (for a workspace without segments). */
function dayLabels(days: number, now: Date, timezone: string): string[] {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const midday = Date.parse(`${today}T12:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(midday - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/**
 * What the segments list draws beside each segment: its size over the last days and today's enters
 * and exits, for every segment at once (one request and one statement for the page, not one per row).
 * Not under `/segments/`: a static `/segments/activity` would shadow a segment keyed "activity".
 */
export function registerSegmentActivityRoutes(app: FastifyInstance, deps: { auth: Authenticated; now: () => Date }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/segment-activity',
    {
      schema: {
        operationId: 'listSegmentActivity',
        summary: "Every segment's size at the end of each of the last days (workspace timezone, today last) and today's enters and exits",
        tags: ['segments'],
        querystring: z.object({ days: z.coerce.number().int().min(1).max(90).default(30) }),
        response: {
          200: z.object({
            timezone: z.string().describe("the workspace's timezone, in which the days are counted"),
            days: z.array(z.string()).describe('the days, YYYY-MM-DD, oldest first; the last is today'),
            items: z.array(
              z.object({
                key: z.string(),
                sizes: z.array(z.number()).describe('the size at the end of each day of `days` (today: now)'),
                enteredToday: z.number(),
                exitedToday: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const { timezone } = await readWorkspaceHours(scope);
      const { days } = request.query;
      const segments = await listDailySizes(scope, { days, now: deps.now(), timezone });
      return {
        timezone,
        days: segments[0]?.days.map((d) => d.day) ?? dayLabels(days, deps.now(), timezone),
        items: segments.map((s) => ({
          key: s.key,
          sizes: s.days.map((d) => d.size),
          enteredToday: s.days.at(-1)?.entered ?? 0,
          exitedToday: s.days.at(-1)?.exited ?? 0,
        })),
      };
    },
  );
}
