import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { defaultTriageWeights, triageTerms } from '@strata/core';
import { InvalidCursorError, triageQueue, triageWeights } from '@strata/engine';
import { inWorkspaceTransaction, recordAudit, writeTriageWeights } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';

const weight = z.number().min(0, 'a weight of 0 or more').max(1000);
const weightsSchema = z.object(
  Object.fromEntries(triageTerms.map((t) => [t, weight])) as Record<(typeof triageTerms)[number], typeof weight>,
);

const triageItemSchema = z.object({
  id: z.string(),
  subject: z.string().nullable(),
  priority: z.string().nullable(),
  status: z.string().nullable(),
  score: z.number(),
  why: z.array(z.object({ term: z.enum(triageTerms), weight: z.number(), level: z.number(), points: z.number() })),
  sla: z
    .object({ key: z.string(), milestone: z.string(), dueAt: z.string(), minutesLeft: z.number(), breached: z.array(z.string()) })
    .nullable(),
  queue: z.string().nullable(),
  assignee: z.string().nullable(),
  language: z.string().nullable(),
  sentiment: z.string().nullable(),
  customer: z.object({
    userId: z.string().nullable(),
    groupId: z.string().nullable(),
    accountName: z.string().nullable(),
    churnRisk: z.number().nullable(),
    value: z.number().nullable(),
    segments: z.array(z.string()).describe('the segments the requester and their account are in now'),
  }),
  createdAt: z.date(),
});

/** The triage queue, and the weights of its score. */
export function registerTriageRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/triage',
    {
      schema: {
        operationId: 'getTriage',
        summary:
          "Open tickets, most urgent first: one score from priority, SLA time left, the account's churn risk and value, and sentiment, with each term's part",
        tags: ['routing'],
        querystring: z.object({
          queue: z.string().min(1).max(64).optional().describe('only tickets in this queue (routed through it, or set by their policy)'),
          agent: z.string().min(1).max(320).optional().describe('only tickets assigned to this agent (email)'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional(),
        }),
        response: { 200: z.object({ items: z.array(triageItemSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const { queue, agent, limit, cursor } = request.query;
      try {
        return await triageQueue(scope, {
          limit,
          ...(queue === undefined ? {} : { queue }),
          ...(agent === undefined ? {} : { agent: agent.toLowerCase() }),
          ...(cursor === undefined ? {} : { cursor }),
        });
      } catch (error) {
        if (error instanceof InvalidCursorError) throw new AppError('INVALID_INPUT', error.message);
        throw error;
      }
    },
  );
  api.get(
    '/settings/triage',
    {
      schema: {
        operationId: 'getTriageSettings',
        summary: "The triage score's weights (relative; the defaults until set)",
        tags: ['routing'],
        response: { 200: z.object({ weights: weightsSchema, defaults: weightsSchema }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return { weights: await triageWeights(scope), defaults: defaultTriageWeights };
    },
  );
  api.put(
    '/settings/triage',
    {
      schema: {
        operationId: 'putTriageSettings',
        summary: "Set the triage score's weights; each is relative to their sum, and at least one must be above 0",
        tags: ['routing'],
        body: z.object({ weights: weightsSchema }),
        response: { 200: z.object({ weights: weightsSchema, defaults: weightsSchema }) },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'policies:write');
      const { weights } = request.body;
      if (triageTerms.every((t) => weights[t] === 0))
        throw new AppError('INVALID_INPUT', 'weights: at least one weight must be above 0, or every ticket scores 0');
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await triageWeights(tx);
        await writeTriageWeights(tx, weights);
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'triage.weights', subject: 'triage', before, after: weights });
      });
      return { weights, defaults: defaultTriageWeights };
    },
  );
}
