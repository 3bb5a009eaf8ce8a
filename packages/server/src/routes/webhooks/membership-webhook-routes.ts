import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { deliverWebhookTask, enqueue, saveWebhook, webhookEvents, WebhookInputError, type SecretBox } from '@strata/engine';
import {
  deleteWebhook,
  findWebhook,
  findWebhookMessage,
  listWebhookMessages,
  listWebhooks,
  requeueWebhookMessage,
  type Database,
  type WebhookMessage,
  type WebhookRecord,
  atOneInstant,
  inWorkspaceTransaction,
  recordAudit,
  type WorkspaceScope,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { auditBy } from '../audit/index.js';
import type { Authenticated } from '../../http/management-auth.js';
import { requireSecrets } from '../../http/secrets.js';

const keyPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const keyParams = z.object({
  key: z.string().regex(keyPattern, 'a webhook key is 1 to 64 lowercase letters, digits, - or _, such as crm-sync'),
});
const putBody = z.object({
  url: z.string().max(2000).describe('where to POST; http or https, no user name or password'),
  events: z
    .array(z.enum(webhookEvents))
    .min(1)
    .describe('which changes to send: segment.entered/exited, and the support events ticket.decided, sla.warning, sla.breached'),
  segments: z
    .array(z.string())
    .max(1000)
    .optional()
    .describe('only changes of these segments; every segment when left out (support events are not filtered by segment)'),
  secret: z.string().max(200).optional().describe('a Standard Webhooks secret, whsec_ + base64; generated when left out'),
});
const webhookSchema = z.object({
  key: z.string(),
  url: z.string(),
  events: z.array(z.enum(webhookEvents)),
  segments: z.array(z.string()).nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const savedSchema = webhookSchema.extend({
  secret: z.string().describe('the signing secret; shown only in this answer, verify deliveries with it (standardwebhooks)'),
});
const deliverySchema = z.object({
  id: z.string().describe('the webhook-id header of every attempt'),
  event: z.enum(webhookEvents),
  status: z.enum(['pending', 'delivered', 'failed']).describe('failed: every attempt failed (dead-lettered); retry sends it again'),
  attempts: z.number(),
  lastAttemptAt: z.date().nullable(),
  nextAttemptAt: z.date().nullable(),
  lastStatus: z.number().nullable().describe("the receiver's last HTTP status"),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
  payload: z.record(z.string(), z.unknown()),
});
const deliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

const view = (w: WebhookRecord) => ({
  key: w.key,
  url: w.url,
  events: w.events,
  segments: w.segments,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});
function invariant(message: string): never {
  throw new Error(`invariant: ${message}`);
}
const deliveryView = (m: WebhookMessage) => ({
  id: m.id,
  // Listed by webhook: a playbook step's message (which has none) never is.
  event: m.event === 'playbook.step' ? invariant(`playbook message ${m.id} listed under a webhook`) : m.event,
  status: m.status,
  attempts: m.attempts,
  lastAttemptAt: m.lastAttemptAt,
  nextAttemptAt: m.nextAttemptAt,
  lastStatus: m.lastStatus,
  lastError: m.lastError,
  createdAt: m.createdAt,
  deliveredAt: m.deliveredAt,
  payload: m.payload,
});

// A deliveries page cursor: the last message's creation time and id.
const encodePage = (m: WebhookMessage) => Buffer.from(JSON.stringify([m.createdAt.toISOString(), m.id])).toString('base64url');
function decodePage(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const createdAt = new Date(at);
    if (typeof id === 'string' && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
  } catch {
    // falls through to the error below
  }
  throw new AppError('INVALID_INPUT', 'cursor is not one this API returned; pass back nextCursor as it came', [
    { field: 'cursor', message: 'unknown cursor' },
  ]);
}

/** Membership webhooks: where segment enters and exits are posted, and what was delivered. */
export function registerMembershipWebhookRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; auth: Authenticated; now: () => Date; secrets: () => SecretBox | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const requireWebhook = async (scope: WorkspaceScope, key: string) => {
    const webhook = await findWebhook(scope, key);
    if (!webhook) throw new AppError('NOT_FOUND', `webhook ${key} does not exist; PUT /api/v1/webhooks/${key} creates it`);
    return webhook;
  };

  api.put(
    '/webhooks/:key',
    {
      schema: {
        operationId: 'putWebhook',
        summary: 'Create or replace a membership webhook: segment enters and exits, signed the Standard Webhooks way',
        tags: ['webhooks'],
        params: keyParams,
        body: putBody,
        response: { 200: savedSchema, 201: savedSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'webhooks:write');
      const secrets = requireSecrets(deps.secrets());
      try {
        const saved = await inWorkspaceTransaction(caller.scope, async (tx) => {
          const before = await findWebhook(tx, request.params.key);
          const saved = await saveWebhook(tx, secrets, { key: request.params.key, ...request.body });
          await recordAudit(tx, {
            ...auditBy(request, caller),
            kind: 'webhook.updated',
            subject: request.params.key,
            before: before ? view(before) : null,
            after: { ...view(saved.webhook), secret: saved.secret },
          });
          return saved;
        });
        return reply.status(saved.created ? 201 : 200).send({ ...view(saved.webhook), secret: saved.secret });
      } catch (error) {
        if (error instanceof WebhookInputError)
          throw new AppError('INVALID_INPUT', error.message, [{ field: error.field, message: error.message }]);
        throw error;
      }
    },
  );
  api.get(
    '/webhooks',
    {
      schema: {
        operationId: 'listWebhooks',
        summary: "The workspace's membership webhooks",
        tags: ['webhooks'],
        response: { 200: z.array(webhookSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'webhooks:read');
      return (await listWebhooks(scope)).map(view);
    },
  );
  api.get(
    '/webhooks/:key',
    {
      schema: {
        operationId: 'getWebhook',
        summary: 'A membership webhook',
        tags: ['webhooks'],
        params: keyParams,
        response: { 200: webhookSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'webhooks:read');
      return view(await requireWebhook(scope, request.params.key));
    },
  );
  api.delete(
    '/webhooks/:key',
    {
      schema: {
        operationId: 'deleteWebhook',
        summary: 'Delete a membership webhook and its delivery records; nothing more is sent',
        tags: ['webhooks'],
        params: keyParams,
        response: { 204: z.undefined().describe('Deleted') },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'webhooks:write');
      const key = request.params.key;
      const deleted = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findWebhook(tx, key);
        if (!before || !(await deleteWebhook(tx, key))) return false;
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'webhook.deleted', subject: key, before: view(before) });
        return true;
      });
      if (!deleted) throw new AppError('NOT_FOUND', `webhook ${key} does not exist`);
      return reply.status(204).send();
    },
  );
  api.get(
    '/webhooks/:key/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        summary: "A webhook's messages, newest first, with each one's attempts and last answer",
        tags: ['webhooks'],
        params: keyParams,
        querystring: deliveriesQuery,
        response: { 200: z.object({ items: z.array(deliverySchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'webhooks:read');
      await requireWebhook(scope, request.params.key);
      const { limit, status, cursor } = request.query;
      const page = await listWebhookMessages(scope, request.params.key, {
        limit: limit + 1,
        status,
        before: cursor ? decodePage(cursor) : undefined,
      });
      const items = page.slice(0, limit);
      return { items: items.map(deliveryView), nextCursor: page.length > limit ? encodePage(items[items.length - 1]!) : null };
    },
  );
  api.post(
    '/webhooks/:key/deliveries/:id/retry',
    {
      schema: {
        operationId: 'retryWebhookDelivery',
        summary: 'Send a message again now (a failed one, or one waiting for its next attempt), with the same webhook-id',
        tags: ['webhooks'],
        params: keyParams.extend({ id: z.string().max(100) }),
        response: { 202: deliverySchema },
      },
    },
    async (request, reply) => {
      const { scope } = await deps.auth(request, 'webhooks:write');
      await requireWebhook(scope, request.params.key);
      const message = await findWebhookMessage(scope, request.params.id);
      if (!message || message.webhookKey !== request.params.key)
        throw new AppError('NOT_FOUND', `delivery ${request.params.id} of webhook ${request.params.key} does not exist`);
      if (message.status === 'delivered')
        throw new AppError('CONFLICT', `delivery ${message.id} was delivered at ${message.deliveredAt?.toISOString()}; nothing to retry`);
      const at = atOneInstant(scope);
      const now = at.clock();
      await inWorkspaceTransaction(at, async (tx) => {
        await requeueWebhookMessage(tx, message.id);
        // A fresh job: the dead one keeps its record in the jobs view.
        await enqueue(
          tx.db,
          deliverWebhookTask,
          { workspaceId: scope.workspaceId, messageId: message.id },
          { key: `webhook:${message.id}:retry:${now.getTime()}` },
        );
      });
      return reply.status(202).send(deliveryView((await findWebhookMessage(scope, message.id))!));
    },
  );
}
