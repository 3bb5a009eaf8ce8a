import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deleteQueue, findQueue, inWorkspaceTransaction, listQueues, recordAudit, saveQueue } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { queueBody, queueKeyParams, queueSchema } from './routing-schemas.js';

/** Queues: agent seats and how a ticket's agent is picked among them. */
export function registerQueueRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/queues',
    {
      schema: {
        operationId: 'listQueues',
        summary: "The workspace's queues, by key",
        tags: ['routing'],
        response: { 200: z.array(queueSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return listQueues(scope);
    },
  );
  api.get(
    '/queues/:key',
    {
      schema: { operationId: 'getQueue', summary: 'One queue', tags: ['routing'], params: queueKeyParams, response: { 200: queueSchema } },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const queue = await findQueue(scope, request.params.key);
      if (!queue) throw new AppError('NOT_FOUND', `no queue "${request.params.key}": list them with GET /queues`);
      return queue;
    },
  );
  api.put(
    '/queues/:key',
    {
      schema: {
        operationId: 'putQueue',
        summary: 'Create or replace a queue: its agents (email, skills, languages, capacity) and assignment method',
        tags: ['routing'],
        params: queueKeyParams,
        body: queueBody,
        response: { 200: queueSchema, 201: queueSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'policies:write');
      const key = request.params.key;
      const { saved, created } = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findQueue(tx, key, { forUpdate: true });
        const saved = await saveQueue(tx, { key, ...request.body });
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'queue.saved',
          subject: key,
          before: before ? { agents: before.agents.map((a) => a.email), assignment: before.assignment } : null,
          after: { agents: saved.agents.map((a) => a.email), assignment: saved.assignment },
        });
        return { saved, created: !before };
      });
      return reply.status(created ? 201 : 200).send(saved);
    },
  );
  api.delete(
    '/queues/:key',
    {
      schema: {
        operationId: 'deleteQueue',
        summary: 'Delete a queue; tickets it assigned keep their agent',
        tags: ['routing'],
        params: queueKeyParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'policies:write');
      const key = request.params.key;
      const deleted = await inWorkspaceTransaction(caller.scope, async (tx) => {
        if (!(await deleteQueue(tx, key))) return false;
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'queue.deleted', subject: key, before: null, after: null });
        return true;
      });
      if (!deleted) throw new AppError('NOT_FOUND', `no queue "${key}": list them with GET /queues`);
      return reply.status(204).send(null);
    },
  );
}
