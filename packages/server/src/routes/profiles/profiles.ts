import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { findAccountProfile, findPersonProfile, readIngestionStats, type Database } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';

// Passed through as stored, documented as an object: z.record would copy it and drop a trait named `__proto__`.
const traits = z.custom<Record<string, unknown>>().meta({ type: 'object', additionalProperties: {} });
const personSchema = z.object({
  userId: z.string().nullable(),
  anonymousIds: z.array(z.string()),
  traits,
  firstSeenAt: z.date(),
  lastSeenAt: z.date(),
  accounts: z.array(z.object({ groupId: z.string(), traits, membership: traits })),
  events: z.array(
    z.object({
      messageId: z.string(),
      type: z.string(),
      name: z.string(),
      groupId: z.string().nullable(),
      properties: traits,
      context: traits
        .nullable()
        .describe("the message's context (page, campaign, locale, userAgent, library; ip only when allowed); null when none"),
      timestamp: z.date(),
      receivedAt: z.date(),
    }),
  ),
});
const accountSchema = z.object({
  groupId: z.string(),
  traits,
  createdAt: z.date(),
  people: z.array(z.object({ userId: z.string().nullable(), traits, membership: traits })),
});
const statsSchema = z.object({
  received: z.number(),
  stored: z.number(),
  rejected: z.number(),
  deduplicated: z.number(),
  suppressed: z.number().describe('messages naming an erased person, dropped'),
});

/** Read API over people, accounts and ingestion counters. */
export function registerProfileRoutes(app: FastifyInstance, deps: { db: () => Kysely<Database>; auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/people/:userId',
    {
      schema: {
        operationId: 'getPerson',
        summary: 'A person with traits, accounts and recent events',
        tags: ['people'],
        params: z.object({ userId: z.string().min(1) }),
        querystring: z.object({ events: z.coerce.number().int().min(0).max(1000).default(50) }),
        response: { 200: personSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const person = await findPersonProfile(scope, request.params.userId, request.query.events);
      if (!person) throw new AppError('NOT_FOUND', `no person with userId "${request.params.userId}"`);
      return person;
    },
  );
  api.get(
    '/accounts/:groupId',
    {
      schema: {
        operationId: 'getAccount',
        summary: 'An account with traits and people',
        tags: ['accounts'],
        params: z.object({ groupId: z.string().min(1) }),
        response: { 200: accountSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'people:read');
      const account = await findAccountProfile(scope, request.params.groupId);
      if (!account) throw new AppError('NOT_FOUND', `no account with groupId "${request.params.groupId}"`);
      return account;
    },
  );
  api.get(
    '/ingestion/stats',
    {
      schema: {
        operationId: 'getIngestionStats',
        summary: 'Ingestion counters: received = stored + rejected + deduplicated + suppressed',
        tags: ['ingestion'],
        response: { 200: statsSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'system:read');
      return readIngestionStats(scope);
    },
  );
}
