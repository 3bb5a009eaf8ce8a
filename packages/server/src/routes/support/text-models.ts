import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { builtInTopicRules, checkTopicRules, minimumPerSentimentLabel, minimumSentimentLabels } from '@strata/core';
import {
  correctTicketSentiment,
  forgetWorkspaceTextSettings,
  readTicket,
  requestSentimentTraining,
  sentimentLanguages,
} from '@strata/engine';
import { findTextModel, inWorkspaceTransaction, listTopicRules, recordAudit, replaceTopicRules, type TextModelRow } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { idParams, refOf, sourceQuery, ticketSchema } from './ticket-schemas.js';

const quality = z
  .object({ samples: z.number().int(), accuracy: z.number(), macroF1: z.number(), focusF1: z.number() })
  .describe("cross-validated on the workspace's labels; focusF1 is the negative class's F1");
const modelSchema = z.object({
  status: z
    .enum(['untrained', 'queued', 'training', 'trained', 'too-few-labels', 'failed'])
    .describe('untrained until the first run; too-few-labels until the minimum is reached'),
  inUse: z.boolean().describe('true only when the model beat the lexicon on the same labels'),
  lexicon: quality.partial().describe('the lexicon alone on the same labels; empty before a run'),
  model: quality.partial().describe('the model blended with the lexicon; empty before a run'),
  samples: z.number().int(),
  minimumLabels: z.object({ total: z.number().int(), perLabel: z.number().int() }),
  languages: z.array(z.string()).describe('languages with a sentiment lexicon'),
  trainedAt: z.date().nullable(),
  requestedAt: z.date().nullable(),
  rescore: z.object({ done: z.number().int(), total: z.number().int() }).nullable().describe('progress of re-scoring open tickets'),
  error: z.string().nullable(),
});
const topicModelSchema = z.object({
  status: modelSchema.shape.status,
  inUse: z.boolean().describe('true only when it found topics the keyword rules missed, cross-validated'),
  keywords: quality.partial().describe('the keyword rules alone on the tickets agents tagged with a topic'),
  model: quality.partial().describe('the keyword rules, with the classifier where they find nothing'),
  samples: z.number().int(),
  trainedAt: z.date().nullable(),
});
const topicRulesSchema = z.object({
  rules: z.array(z.object({ topic: z.string().max(64), keywords: z.array(z.string().max(100)).max(200) })).max(100),
});

function modelView(row: TextModelRow | undefined): z.output<typeof modelSchema> {
  return {
    status: row?.status ?? 'untrained',
    inUse: row?.in_use ?? false,
    lexicon: row?.lexicon_quality ?? {},
    model: row?.model_quality ?? {},
    samples: row?.samples ?? 0,
    minimumLabels: { total: minimumSentimentLabels, perLabel: minimumPerSentimentLabel },
    languages: [...sentimentLanguages],
    trainedAt: row?.trained_at ?? null,
    requestedAt: row?.requested_at ?? null,
    rescore: row?.rescore_total == null ? null : { done: row.rescore_done ?? 0, total: row.rescore_total },
    error: row?.error ?? null,
  };
}

/** Ticket intelligence: agents' sentiment corrections, the workspace's sentiment model, its topic rules. */
export function registerTextModelRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.put(
    '/tickets/:id/sentiment',
    {
      schema: {
        operationId: 'correctTicketSentiment',
        summary: "Correct a ticket's sentiment (its latest customer message's); the label trains the workspace's model",
        security: [{ bearer: [] }],
        tags: ['tickets'],
        params: idParams,
        querystring: sourceQuery,
        body: z.object({ label: z.enum(['negative', 'neutral', 'positive']) }),
        response: { 200: ticketSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:write');
      const ref = refOf(request.params.id, request.query.source);
      const outcome = await correctTicketSentiment(scope, ref, request.body.label);
      if (outcome.kind === 'not-found') throw new AppError('NOT_FOUND', `no ticket with id or externalId "${request.params.id}"`);
      if (outcome.kind === 'no-customer-message')
        throw new AppError(
          'CONFLICT',
          `ticket "${request.params.id}" has no customer message to label: add one with POST /tickets/{id}/messages`,
        );
      return (await readTicket(scope, { ticketId: outcome.ticketId }))!;
    },
  );
  api.get(
    '/text-models/sentiment',
    {
      schema: {
        operationId: 'getSentimentModel',
        summary: "The workspace's sentiment model: cross-validated quality next to the lexicon's, and whether it is in use",
        security: [{ bearer: [] }],
        tags: ['text-models'],
        response: { 200: modelSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return modelView(await findTextModel(scope, 'sentiment'));
    },
  );
  api.get(
    '/text-models/topic',
    {
      schema: {
        operationId: 'getTopicModel',
        summary: "The workspace's topic classifier, trained with the sentiment model from the topics agents set as tags",
        security: [{ bearer: [] }],
        tags: ['text-models'],
        response: { 200: topicModelSchema },
      },
    },
    async (request): Promise<z.output<typeof topicModelSchema>> => {
      const { scope } = await deps.auth(request, 'settings:read');
      const row = await findTextModel(scope, 'topic');
      return {
        status: row?.status ?? 'untrained',
        inUse: row?.in_use ?? false,
        keywords: row?.lexicon_quality ?? {},
        model: row?.model_quality ?? {},
        samples: row?.samples ?? 0,
        trainedAt: row?.trained_at ?? null,
      };
    },
  );
  api.post(
    '/text-models/sentiment/train',
    {
      schema: {
        operationId: 'trainSentimentModel',
        summary: 'Train the sentiment model (and the topic classifier) now, as a background job; optionally re-score open tickets',
        security: [{ bearer: [] }],
        tags: ['text-models'],
        body: z
          .object({ rescore: z.boolean().default(false).describe('re-score open tickets if the new model is in use') })
          .default({ rescore: false }),
        response: { 202: modelSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'settings:write');
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        await requestSentimentTraining(tx, { rescore: request.body.rescore });
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'text-model.train-requested',
          subject: 'sentiment',
          before: null,
          after: { ...request.body },
        });
      });
      return reply.status(202).send(modelView(await findTextModel(caller.scope, 'sentiment')));
    },
  );
  api.get(
    '/ticket-topics',
    {
      schema: {
        operationId: 'getTicketTopicRules',
        summary: 'The keyword rules that tag tickets with topics (the built-in ones until the workspace edits them)',
        security: [{ bearer: [] }],
        tags: ['tickets'],
        response: { 200: topicRulesSchema.extend({ builtIn: z.boolean() }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const rules = await listTopicRules(scope);
      return { rules: rules ?? builtInTopicRules.map((r) => ({ ...r })), builtIn: rules === undefined };
    },
  );
  api.put(
    '/ticket-topics',
    {
      schema: {
        operationId: 'setTicketTopicRules',
        summary: 'Replace the topic keyword rules (an empty list restores the built-in ones); they tag tickets written from now on',
        security: [{ bearer: [] }],
        tags: ['tickets'],
        body: topicRulesSchema,
        response: { 200: topicRulesSchema.extend({ builtIn: z.boolean() }) },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const rules = request.body.rules.map((r) => ({
        topic: r.topic.trim(),
        keywords: r.keywords.map((k) => k.trim()).filter((k) => k !== ''),
      }));
      const issues = checkTopicRules(rules);
      if (issues.length > 0)
        throw new AppError(
          'INVALID_INPUT',
          `${issues.length} problem(s) in the topic rules: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          issues,
        );
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await listTopicRules(tx);
        await replaceTopicRules(tx, rules);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'ticket-topics.updated',
          subject: 'ticket-topics',
          before: before ?? null,
          after: rules,
        });
      });
      forgetWorkspaceTextSettings(caller.scope.workspaceId);
      return rules.length === 0 ? { rules: builtInTopicRules.map((r) => ({ ...r })), builtIn: true } : { rules, builtIn: false };
    },
  );
}
