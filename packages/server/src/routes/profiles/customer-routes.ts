import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findProfileId, listCustomerEvents, listCustomerSurveys, listCustomerTickets, searchCustomers } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { decodeTimelineCursor, encodeTimelineCursor, timelineCursor } from './timeline-cursor.js';

const hitSchema = z.object({
  kind: z.enum(['person', 'account']),
  id: z.string().describe('the userId or groupId'),
  name: z.string().nullable(),
  email: z.string().nullable(),
  domain: z.string().nullable(),
});
const ticketSchema = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  source: z.string(),
  subject: z.string().nullable(),
  status: z.string().nullable(),
  priority: z.string().nullable(),
  channel: z.string().nullable(),
  open: z.boolean(),
  createdAt: z.date(),
  solvedAt: z.date().nullable(),
  sentiment: z.object({ label: z.string(), score: z.number() }).nullable().describe("the customer's latest message"),
  sentimentCorrected: z.boolean().describe('true when an agent set it (PUT /tickets/{id}/sentiment)'),
  language: z.string().nullable(),
  languageConfidence: z.number().nullable().describe("0..1, of the customer's latest message"),
  languageSource: z.string().nullable().describe('text, requester or account (a language trait, when the text was too short)'),
  languageSupported: z.boolean().describe('false when the language has no sentiment lexicon'),
  topics: z.array(z.string()).describe('topic tags, the main one first'),
  csat: z.number().nullable(),
});
const eventSchema = z.object({
  type: z.string(),
  name: z.string(),
  userId: z.string().nullable(),
  groupId: z.string().nullable(),
  properties: z.custom<Record<string, unknown>>().meta({ type: 'object', additionalProperties: {} }),
  timestamp: z.date(),
});
const surveySchema = z.object({
  id: z.string(),
  kind: z.string().nullable(),
  nps: z.number().nullable(),
  csat: z.number().nullable(),
  score: z.number().nullable(),
  comment: z.string().nullable(),
  submittedAt: z.date(),
  source: z.string(),
});

/** The customer 360's reads: the header search, and a person's or account's events, tickets and survey answers. */
export function registerCustomerRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/customers/search',
    {
      schema: {
        operationId: 'searchCustomers',
        summary: 'People by userId, email or name and accounts by groupId, name or domain starting with q',
        tags: ['people'],
        querystring: z.object({
          q: z.string().trim().min(1, 'q: type at least one character of an id, email, name or domain').max(256),
          limit: z.coerce.number().int().min(1).max(50).default(10).describe('at most this many people and this many accounts'),
        }),
        response: { 200: z.object({ items: z.array(hitSchema) }) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      return { items: await searchCustomers(scope, request.query.q, request.query.limit) };
    },
  );

  for (const target of ['person', 'account'] as const) {
    const param = target === 'person' ? 'userId' : 'groupId';
    const base = `/${target === 'person' ? 'people' : 'accounts'}/:${param}`;
    const who = target === 'person' ? 'a person' : 'an account';
    const ownerOf = async (scope: Parameters<typeof findProfileId>[0], externalId: string) => {
      const profileId = await findProfileId(scope, target, externalId);
      if (!profileId)
        throw new AppError('NOT_FOUND', `no ${target === 'person' ? 'person with userId' : 'account with groupId'} "${externalId}"`);
      return { target, profileId };
    };
    api.get(
      `${base}/events`,
      {
        schema: {
          operationId: target === 'person' ? 'listPersonEvents' : 'listAccountEvents',
          summary: `The events of ${who}, newest first, paged`,
          tags: [target === 'person' ? 'people' : 'accounts'],
          params: z.object({ [param]: z.string().min(1) }),
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: timelineCursor('event').optional(),
          }),
          response: {
            200: z.object({
              items: z.array(eventSchema),
              nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
            }),
          },
        },
      },
      async (request) => {
        const { scope } = await deps.auth(request, 'people:read');
        const owner = await ownerOf(scope, request.params[param] ?? '');
        const { limit, cursor } = request.query;
        const after = cursor ? decodeTimelineCursor('event', cursor) : undefined;
        const rows = await listCustomerEvents(scope, owner, limit + 1, after && { timestamp: after.at, eventId: after.id });
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          items: page.map((e) => ({
            type: e.type,
            name: e.name,
            userId: e.userId,
            groupId: e.groupId,
            properties: e.properties,
            timestamp: e.timestamp,
          })),
          nextCursor: rows.length > limit && last ? encodeTimelineCursor(last.timestamp, last.eventId) : null,
        };
      },
    );
    api.get(
      `${base}/tickets`,
      {
        schema: {
          operationId: target === 'person' ? 'listPersonTickets' : 'listAccountTickets',
          summary: `The tickets of ${who}, newest first, paged by creation time`,
          tags: ['tickets'],
          params: z.object({ [param]: z.string().min(1) }),
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(100).default(20),
            cursor: timelineCursor('ticket').optional(),
          }),
          response: {
            200: z.object({
              items: z.array(ticketSchema),
              nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
            }),
          },
        },
      },
      async (request) => {
        const { scope } = await deps.auth(request, 'tickets:read');
        const owner = await ownerOf(scope, request.params[param] ?? '');
        const { limit, cursor } = request.query;
        const after = cursor ? decodeTimelineCursor('ticket', cursor) : undefined;
        // One more than asked says whether a next page exists without a count.
        const rows = await listCustomerTickets(scope, owner, limit + 1, after && { createdAt: after.at, id: after.id });
        const items = rows.slice(0, limit);
        const last = items[items.length - 1];
        return { items, nextCursor: rows.length > limit && last ? encodeTimelineCursor(last.createdAt, last.id) : null };
      },
    );
    api.get(
      `${base}/surveys`,
      {
        schema: {
          operationId: target === 'person' ? 'listPersonSurveys' : 'listAccountSurveys',
          summary: `The survey answers of ${who}, newest first`,
          tags: ['surveys'],
          params: z.object({ [param]: z.string().min(1) }),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
          response: { 200: z.object({ items: z.array(surveySchema) }) },
        },
      },
      async (request) => {
        const { scope } = await deps.auth(request, 'tickets:read');
        const owner = await ownerOf(scope, request.params[param] ?? '');
        return { items: await listCustomerSurveys(scope, owner, request.query.limit) };
      },
    );
  }
}
