import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inWorkspaceTransaction, readIngestionSettings, recordAudit, writeIngestionSettings } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { normalizeOrigin } from './browser-origins.js';

const origin = z
  .string()
  .transform((value, ctx) => {
    const normalized = normalizeOrigin(value);
    if (normalized === undefined)
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not an origin: write the scheme, host and port only, as https://app.example.com, or * for any`,
      });
    return normalized ?? value;
  })
  .describe('an origin, as https://app.example.com (no path), or * for any page anywhere');

const settingsSchema = z.object({
  allowedOrigins: z
    .array(origin)
    .max(100)
    .describe('origins whose pages may send events with a write key (browser clients); empty: no browser ingestion'),
  allowIp: z.boolean().optional().describe('keep context.ip on stored events (default false: it is dropped)'),
});
const settingsResponse = z.object({ allowedOrigins: z.array(z.string()), allowIp: z.boolean() });

/** Who may send events from a browser, and whether events keep the sender's IP. */
export function registerIngestionSettingsRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/settings/ingestion',
    {
      schema: {
        operationId: 'getIngestionSettings',
        summary: 'Origins browsers may send events from, and whether events keep their IP',
        tags: ['settings'],
        response: { 200: settingsResponse },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return readIngestionSettings(scope);
    },
  );
  api.put(
    '/settings/ingestion',
    {
      schema: {
        operationId: 'setIngestionSettings',
        summary: 'Set the origins browsers may send events from (none: no browser ingestion) and whether events keep their IP',
        tags: ['settings'],
        body: settingsSchema,
        response: { 200: settingsResponse },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const after = { allowedOrigins: [...new Set(request.body.allowedOrigins)], allowIp: request.body.allowIp ?? false };
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await writeIngestionSettings(tx, after);
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'settings.updated', subject: 'ingestion', before, after });
      });
      return after;
    },
  );
}
