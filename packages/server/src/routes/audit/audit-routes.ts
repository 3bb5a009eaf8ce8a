import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAuditEntries } from '@strata/storage';
import type { Authenticated } from '../../http/management-auth.js';

const auditQuery = z.object({
  from: z.coerce.date().optional().describe('entries at or after this time'),
  actor: z.string().max(320).optional().describe("an actor's id or label: a key id or name, a user's id or email"),
  kind: z
    .string()
    .regex(/^[a-z-]+(\.[a-z-]+)?$/, 'a kind such as segment.created, or a thing such as segment')
    .optional()
    .describe('a kind (segment.created) or every kind of a thing (segment)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, 'not a cursor this API returned; pass back nextCursor as it came')
    .optional(),
});
const entrySchema = z.object({
  id: z.string(),
  at: z.date(),
  actor: z.object({
    kind: z.enum(['user', 'key', 'cli', 'system']),
    id: z.string().nullable(),
    label: z.string().nullable().describe("a user's email, a key's name; never a secret"),
  }),
  address: z.string().nullable().describe("the client's address; null for the CLI"),
  kind: z.string().describe('segment.created, segment.version-created, segment.deleted, key.created, key.revoked, webhook.updated, …'),
  subject: z.string().nullable().describe('what changed (a segment key, a key id); a keyed hash for person.* entries'),
  before: z.unknown().describe('the configuration before, secrets redacted; null when created'),
  after: z.unknown().describe('the configuration after, secrets redacted; null when deleted'),
});

/** The audit log: every configuration change, export and erasure, newest first. */
export function registerAuditRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/audit',
    {
      schema: {
        operationId: 'listAuditEntries',
        summary: 'Configuration changes, exports and erasures with actor, time, address and before/after, newest first',
        tags: ['audit'],
        querystring: auditQuery,
        response: { 200: z.object({ items: z.array(entrySchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'audit:read');
      const { from, actor, kind, limit, cursor } = request.query;
      const items = await listAuditEntries(scope, { from, actor, kind, before: cursor, limit: limit + 1 });
      const page = items.slice(0, limit);
      return { items: page, nextCursor: items.length > limit ? page.at(-1)!.id : null };
    },
  );
}
