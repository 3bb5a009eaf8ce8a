import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ticketChannels, ticketPriorities, ticketStatuses } from '@strata/core';
import { changeTicket, readTicket, writeTicket, type TicketFields, type TicketOutcome, type TicketView } from '@strata/engine';
import type { Database } from '@strata/storage';
import { idParams, refOf, sourceQuery, ticketSchema } from './ticket-schemas.js';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';

const time = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time with an offset, such as 2026-12-01T09:30:00Z' });
const text = (max: number) => z.string().max(max);

const fields = {
  subject: text(1000).nullish(),
  priority: z.enum(ticketPriorities).optional(),
  status: z.enum(ticketStatuses).optional(),
  channel: z.enum(ticketChannels).optional(),
  tags: z.array(text(200)).max(100).optional(),
  group: text(200).nullish().describe('the team or group the ticket is assigned to'),
  assignee: text(200).nullish(),
  firstResponseAt: time.nullish().describe('when an agent first answered, if the help desk knows; else derived from messages'),
  csat: z.object({ score: z.number().int().min(1).max(5), comment: text(5000).nullish() }).nullish(),
};
const createBody = z.object({
  externalId: text(256).min(1).optional().describe('your id for the ticket: posting the same externalId again updates it'),
  userId: text(512).min(1).optional(),
  email: z.email().optional().describe('finds the requester by email when there is no userId'),
  groupId: text(512).min(1).optional().describe("the account; defaults to the requester's first account"),
  description: text(100_000).optional().describe("the customer's opening message"),
  createdAt: time.optional(),
  ...fields,
});
const patchBody = z.object({ groupId: text(512).min(1).optional(), ...fields });
const messageBody = z.object({
  externalId: text(256).min(1).optional().describe('your id for the message: posting it again adds nothing'),
  author: z.enum(['customer', 'agent']),
  public: z.boolean().default(true).describe('false for an internal note'),
  body: text(100_000).min(1),
  createdAt: time.optional(),
});

const date = (t: string | null | undefined) => (t === undefined ? undefined : t === null ? null : new Date(t));

/** The fields POST and PATCH share, as the ticket service takes them. */
function ticketFields(b: z.output<typeof patchBody>): TicketFields {
  return {
    subject: b.subject,
    priority: b.priority,
    status: b.status,
    channel: b.channel,
    tags: b.tags,
    group: b.group,
    assignee: b.assignee,
    firstResponseAt: date(b.firstResponseAt),
    csat: b.csat,
  };
}

function storedTicket(outcome: TicketOutcome, id: string): TicketView {
  if (outcome.kind === 'not-found') throw new AppError('NOT_FOUND', `no ticket with id or externalId "${id}"`);
  if (outcome.kind === 'duplicate-delivery' || !outcome.ticket) throw new Error('invariant: API writes carry no delivery id');
  return outcome.ticket;
}

/** Tickets: create (idempotent by externalId), change, add messages, read. */
export function registerTicketRoutes(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; auth: Authenticated; now: () => Date; suppressionKey?: () => Buffer | undefined },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/tickets',
    {
      schema: {
        operationId: 'createTicket',
        summary: 'Create a ticket, or update the one with the same externalId',
        security: [{ bearer: [] }, { writeKey: [] }],
        tags: ['tickets'],
        body: createBody,
        response: { 200: ticketSchema, 201: ticketSchema },
      },
    },
    async (request, reply) => {
      const { scope } = await deps.auth(request, 'tickets:write');
      const b = request.body;
      if (!b.userId && !b.email && !b.groupId)
        throw new AppError('INVALID_INPUT', 'name the requester: userId, email or groupId is required');
      const outcome = await writeTicket(scope, {
        suppressionKey: deps.suppressionKey?.(),
        source: 'api',
        externalId: b.externalId,
        requester: { userId: b.userId, email: b.email, groupId: b.groupId },
        ...ticketFields(b),
        description: b.description,
        createdAt: date(b.createdAt) ?? undefined,
      });
      const ticket = storedTicket(outcome, b.externalId ?? '');
      return reply.status(outcome.kind === 'stored' && outcome.created ? 201 : 200).send(ticket);
    },
  );
  api.patch(
    '/tickets/:id',
    {
      schema: {
        operationId: 'updateTicket',
        summary: 'Change a ticket (by id or externalId); fields left out stay as they are',
        security: [{ bearer: [] }, { writeKey: [] }],
        tags: ['tickets'],
        params: idParams,
        querystring: sourceQuery,
        body: patchBody,
        response: { 200: ticketSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:write');
      const b = request.body;
      const outcome = await changeTicket(scope, refOf(request.params.id, request.query.source), {
        suppressionKey: deps.suppressionKey?.(),
        ...(b.groupId ? { requester: { groupId: b.groupId } } : {}),
        ...ticketFields(b),
      });
      return storedTicket(outcome, request.params.id);
    },
  );
  api.post(
    '/tickets/:id/messages',
    {
      schema: {
        operationId: 'addTicketMessage',
        summary: 'Add a message from the customer or an agent; customer messages get sentiment and language',
        security: [{ bearer: [] }, { writeKey: [] }],
        tags: ['tickets'],
        params: idParams,
        querystring: sourceQuery,
        body: messageBody,
        response: { 200: ticketSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:write');
      const b = request.body;
      const outcome = await changeTicket(scope, refOf(request.params.id, request.query.source), {
        suppressionKey: deps.suppressionKey?.(),
        messages: [
          { externalId: b.externalId, author: b.author, public: b.public, body: b.body, createdAt: date(b.createdAt) ?? undefined },
        ],
      });
      return storedTicket(outcome, request.params.id);
    },
  );
  api.get(
    '/tickets/:id',
    {
      schema: {
        operationId: 'getTicket',
        summary: 'A ticket with its messages and derived signals, by id or externalId',
        security: [{ bearer: [] }, { writeKey: [] }],
        tags: ['tickets'],
        params: idParams,
        querystring: sourceQuery,
        response: { 200: ticketSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const ticket = await readTicket(scope, refOf(request.params.id, request.query.source));
      if (!ticket) throw new AppError('NOT_FOUND', `no ticket with id or externalId "${request.params.id}"`);
      return ticket;
    },
  );
}
