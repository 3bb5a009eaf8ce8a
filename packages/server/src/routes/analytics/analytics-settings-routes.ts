import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAnalyticsSettings, recordAudit, writeAnalyticsSettings } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

const shareOf = (what: string) => z.number().min(0).max(1).describe(what);
const settingsSchema = z.object({
  grossMargin: shareOf('share of revenue kept after the cost of serving it, for CLV (default 0.8)'),
  tinyShare: shareOf('`tiny` below this share of the target (default 0.005)'),
  tinyMembers: z.number().int().min(0).max(1_000_000).describe('`tiny` below this many members (default 20)'),
  giantShare: shareOf('`giant` above this share of the target (default 0.8)'),
  nearDuplicateJaccard: shareOf('`near-duplicate` at or above this Jaccard index (default 0.9)'),
  tooManySegments: z.number().int().min(1).max(10_000).describe('`too-many` above this many active segments (default 30)'),
  uncoveredShare: shareOf('`uncovered` above this share of a target in no segment (default 0.2)'),
});

/** The analytics settings (a workspace setting): GET|PUT /settings/analytics. */
export function registerAnalyticsSettingsRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/settings/analytics',
    {
      schema: {
        operationId: 'getAnalyticsSettings',
        summary: "The gross margin CLV assumes and the warnings' floors",
        tags: ['analytics'],
        response: { 200: settingsSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return readAnalyticsSettings(scope);
    },
  );
  api.put(
    '/settings/analytics',
    {
      schema: {
        operationId: 'putAnalyticsSettings',
        summary: "Set the gross margin CLV assumes and the warnings' floors (fields left out keep their value)",
        tags: ['analytics'],
        body: settingsSchema.partial(),
        response: { 200: settingsSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const before = await readAnalyticsSettings(caller.scope);
      // Fields left out keep their value; zod leaves them out rather than undefined, but the type allows both.
      const changed = Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined));
      const after = { ...before, ...changed };
      await writeAnalyticsSettings(caller.scope, after);
      await recordAudit(caller.scope, {
        ...auditBy(request, caller),
        kind: 'analytics-settings.saved',
        subject: 'analytics',
        before,
        after,
      });
      return after;
    },
  );
}
