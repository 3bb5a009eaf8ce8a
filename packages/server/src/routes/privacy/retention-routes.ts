import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inWorkspaceTransaction, readEventRetention, recordAudit, writeEventRetention } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

const retentionSchema = z.object({
  rawEventsMonths: z
    .number()
    .int()
    .min(1)
    .max(1200)
    .nullable()
    .describe('months of raw events kept, the current one included; older months are dropped nightly. null keeps them all'),
});

/** How long raw events are kept; profiles, segments, tickets and surveys are kept regardless. */
export function registerRetentionRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/settings/retention',
    {
      schema: {
        operationId: 'getRetention',
        summary: 'How many months of raw events the workspace keeps',
        tags: ['settings'],
        response: { 200: retentionSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return { rawEventsMonths: await readEventRetention(scope) };
    },
  );
  api.put(
    '/settings/retention',
    {
      schema: {
        operationId: 'setRetention',
        summary: 'Keep raw events this many months (null: all); older monthly partitions are dropped nightly',
        tags: ['settings'],
        body: retentionSchema,
        response: { 200: retentionSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const months = request.body.rawEventsMonths;
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await writeEventRetention(tx, months);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'settings.updated',
          subject: 'retention',
          before: { rawEventsMonths: before },
          after: { rawEventsMonths: months },
        });
      });
      return { rawEventsMonths: months };
    },
  );
}
