import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiKeyScopes } from '@strata/core';
import { createApiKey, inWorkspaceTransaction, listApiKeys, recordAudit, revokeApiKey, type ApiKey } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { auditBy } from '../audit/index.js';
import type { Authenticated } from '../../http/management-auth.js';

const keySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the secret, to recognise the key by; never the secret'),
  scopes: z.array(z.enum(apiKeyScopes)),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
const view = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});
const idParams = z.object({ id: z.uuid('must be a key id, as GET /api/v1/keys lists them') });

/** API keys over HTTP, as `strata keys create|list|revoke` does them: the secret is answered once, never stored or audited. */
export function registerKeyRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/keys',
    {
      schema: {
        operationId: 'listKeys',
        summary: "This workspace's API keys, revoked ones too, with scopes and when each was last used (never the secrets)",
        tags: ['keys'],
        response: { 200: z.object({ items: z.array(keySchema) }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'keys:manage');
      return { items: (await listApiKeys(scope)).map(view) };
    },
  );

  api.post(
    '/keys',
    {
      schema: {
        operationId: 'createKey',
        summary: 'Create an API key; the answer holds its secret, shown this once',
        tags: ['keys'],
        body: z.object({
          name: z.string().trim().min(1, 'give the key a name to recognise it by').max(100),
          scopes: z
            .array(z.enum(apiKeyScopes))
            .min(1, `choose at least one scope: ${apiKeyScopes.join(', ')}`)
            .describe('ingest sends events; read reads segments and profiles; admin configures the workspace'),
        }),
        response: { 201: keySchema.extend({ secret: z.string().describe('store it now: it is not shown again') }) },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'keys:manage');
      const scopes = [...new Set(request.body.scopes)];
      const created = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const created = await createApiKey(tx, { name: request.body.name, scopes });
        const { id, name, prefix } = created.key;
        // The prefix is the part every listing shows; the secret never reaches the audit log.
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'key.created', subject: id, after: { id, name, prefix, scopes } });
        return created;
      });
      return reply.status(201).send({ ...view(created.key), secret: created.secret });
    },
  );

  api.delete(
    '/keys/:id',
    {
      schema: {
        operationId: 'revokeKey',
        summary: 'Revoke an API key: it stops working from the next request, in every Strata process',
        tags: ['keys'],
        params: idParams,
        response: { 204: z.undefined().describe('Revoked') },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'keys:manage');
      const { id } = request.params;
      const outcome = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const outcome = await revokeApiKey(tx, id);
        if (outcome === 'revoked') await recordAudit(tx, { ...auditBy(request, caller), kind: 'key.revoked', subject: id });
        return outcome;
      });
      if (outcome !== 'revoked')
        throw new AppError('NOT_FOUND', `no live key ${id} in this workspace (already revoked?); GET /api/v1/keys lists them`);
      return reply.status(204).send();
    },
  );
}
