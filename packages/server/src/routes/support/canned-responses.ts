import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ticketChannels } from '@strata/core';
import { CannedResponseInputError, previewCannedResponse, saveCannedResponse, suggestResponses } from '@strata/engine';
import {
  deleteCannedResponse,
  findCannedResponse,
  inWorkspaceTransaction,
  listCannedResponses,
  recordAudit,
  type CannedResponseRecord,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { idParams, refOf, sourceQuery } from './ticket-schemas.js';

const keyParams = z.object({
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a canned response key is 1 to 64 lowercase letters, digits, - or _, such as refund-policy'),
});
const putBody = z.object({
  title: z.string().min(1).max(200),
  body: z
    .string()
    .min(1)
    .max(20_000)
    .describe('a Liquid template over ticket, person and account: {{ person.name }}, {{ account.plan }}, {{ ticket.subject }}'),
  segments: z
    .array(z.string().max(200))
    .max(100)
    .optional()
    .describe('only for tickets whose requester (person segments) or account (account segments) is in one of these; any when left out'),
  languages: z
    .array(z.string().max(20))
    .max(50)
    .optional()
    .describe('only for tickets in one of these ISO 639-1 languages; any when left out'),
  tags: z.array(z.string().min(1).max(100)).max(50).optional(),
});
const responseSchema = z.object({
  key: z.string(),
  title: z.string(),
  body: z.string().describe('the Liquid template as written'),
  segments: z.array(z.string()).nullable(),
  languages: z.array(z.string()).nullable(),
  tags: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});
const suggestionSchema = z.object({
  key: z.string(),
  title: z.string(),
  body: z.string().describe("rendered for this ticket's customer; HTML-escaped where the ticket's channel is email or web"),
  score: z.number().describe('BM25 similarity to the customer messages; 0 when no word is shared'),
  why: z.string().describe('the matched words with their part of the score, and the scope that allows the response'),
});
const previewBody = z.object({
  body: z.string().min(1).max(20_000),
  ticketId: z.string().min(1).max(256).optional().describe("render for this ticket's customer and channel"),
  userId: z.string().min(1).max(512).optional().describe('or for this person and their first account, with no ticket'),
  channel: z.enum(ticketChannels).default('email').describe('with userId: the channel that decides HTML escaping'),
});
const previewSchema = z.object({
  body: z.string().describe('the rendered template'),
  html: z.boolean().describe('whether values were HTML-escaped (email and web tickets)'),
});
const suggestionsQuery = sourceQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) });

const view = (r: CannedResponseRecord) => ({
  key: r.key,
  title: r.title,
  body: r.body,
  segments: r.segments,
  languages: r.languages,
  tags: r.tags,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** Canned responses (Liquid templates scoped by segment and language) and their suggestion on a ticket. */
export function registerCannedResponseRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/canned-responses',
    {
      schema: {
        operationId: 'listCannedResponses',
        summary: "The workspace's canned responses, by key",
        tags: ['canned responses'],
        response: { 200: z.array(responseSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      return (await listCannedResponses(scope)).map(view);
    },
  );
  api.get(
    '/canned-responses/:key',
    {
      schema: {
        operationId: 'getCannedResponse',
        summary: 'A canned response',
        tags: ['canned responses'],
        params: keyParams,
        response: { 200: responseSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const found = await findCannedResponse(scope, request.params.key);
      if (!found)
        throw new AppError(
          'NOT_FOUND',
          `canned response ${request.params.key} does not exist; PUT /api/v1/canned-responses/${request.params.key} creates it`,
        );
      return view(found);
    },
  );
  api.put(
    '/canned-responses/:key',
    {
      schema: {
        operationId: 'putCannedResponse',
        summary: 'Create or replace a canned response: a Liquid template, scoped to segments and languages',
        tags: ['canned responses'],
        params: keyParams,
        body: putBody,
        response: { 200: responseSchema, 201: responseSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'policies:write');
      try {
        const saved = await inWorkspaceTransaction(caller.scope, async (tx) => {
          const saved = await saveCannedResponse(tx, { key: request.params.key, ...request.body });
          await recordAudit(tx, {
            ...auditBy(request, caller),
            kind: 'canned-response.updated',
            subject: request.params.key,
            before: saved.before ? view(saved.before) : null,
            after: view(saved.response),
          });
          return saved;
        });
        return reply.status(saved.created ? 201 : 200).send(view(saved.response));
      } catch (error) {
        if (error instanceof CannedResponseInputError) throw new AppError('INVALID_INPUT', error.message, error.problems);
        throw error;
      }
    },
  );
  api.delete(
    '/canned-responses/:key',
    {
      schema: {
        operationId: 'deleteCannedResponse',
        summary: 'Delete a canned response; it is suggested no more',
        tags: ['canned responses'],
        params: keyParams,
        response: { 204: z.undefined().describe('Deleted') },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'policies:write');
      const key = request.params.key;
      const deleted = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findCannedResponse(tx, key);
        if (!before || !(await deleteCannedResponse(tx, key))) return false;
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'canned-response.deleted', subject: key, before: view(before) });
        return true;
      });
      if (!deleted) throw new AppError('NOT_FOUND', `canned response ${key} does not exist`);
      return reply.status(204).send();
    },
  );
  api.post(
    '/canned-responses/preview',
    {
      schema: {
        operationId: 'previewCannedResponse',
        summary: 'Render a template for a chosen customer (a ticket, or a person) before saving it',
        tags: ['canned responses'],
        body: previewBody,
        response: { 200: previewSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const { body, ticketId, userId, channel } = request.body;
      const target =
        ticketId !== undefined ? { ticket: refOf(ticketId, undefined) } : userId !== undefined ? { userId, channel } : undefined;
      if (!target)
        throw new AppError('INVALID_INPUT', 'name the customer to render for: ticketId or userId', [
          { field: 'userId', message: 'ticketId or userId is required' },
        ]);
      try {
        return await previewCannedResponse(scope, body, target);
      } catch (error) {
        if (error instanceof CannedResponseInputError) throw new AppError('INVALID_INPUT', error.message, error.problems);
        throw error;
      }
    },
  );
  api.get(
    '/tickets/:id/suggestions',
    {
      schema: {
        operationId: 'listTicketSuggestions',
        summary: "Canned responses allowed for this ticket, ranked by similarity to the customer's messages and rendered for them",
        tags: ['canned responses'],
        params: idParams,
        querystring: suggestionsQuery,
        response: { 200: z.array(suggestionSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const suggestions = await suggestResponses(scope, refOf(request.params.id, request.query.source), request.query.limit);
      if (!suggestions) throw new AppError('NOT_FOUND', `no ticket with id or externalId "${request.params.id}"`);
      return suggestions;
    },
  );
}
