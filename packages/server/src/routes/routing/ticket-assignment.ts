import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { routeTicket, UnknownQueueError } from '@strata/engine';
import { findTicket, inWorkspaceTransaction, listAssignments } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { idParams, refOf, sourceQuery } from '../support/index.js';
import { assignmentSchema } from './routing-schemas.js';

/** Routing one ticket through a queue now, and its assignments over time. */
export function registerTicketAssignmentRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/tickets/:id/assignment',
    {
      schema: {
        operationId: 'routeTicket',
        summary: "Route a ticket through a queue now: the queue's method picks an online agent under capacity who speaks its language",
        tags: ['routing'],
        params: idParams,
        querystring: sourceQuery,
        body: z.object({ queue: z.string().min(1).max(64), skills: z.array(z.string().trim().min(1).max(64)).max(20).default([]) }),
        response: { 200: assignmentSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:write');
      const ticket = await findTicket(scope, refOf(request.params.id, request.query.source));
      if (!ticket) throw new AppError('NOT_FOUND', `no ticket with id or externalId "${request.params.id}"`);
      try {
        const assignment = await inWorkspaceTransaction(scope, (tx) =>
          routeTicket(tx, ticket.ticket_id, request.body.queue, { skills: request.body.skills, cause: 'routed' }),
        );
        return assignment!;
      } catch (error) {
        if (error instanceof UnknownQueueError) throw new AppError('INVALID_INPUT', `queue: ${error.message}`);
        throw error;
      }
    },
  );
  api.get(
    '/tickets/:id/assignments',
    {
      schema: {
        operationId: 'listTicketAssignments',
        summary: "A ticket's assignments, newest first, each with its queue, agent, reason and cause",
        tags: ['routing'],
        params: idParams,
        querystring: sourceQuery,
        response: { 200: z.array(assignmentSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const ticket = await findTicket(scope, refOf(request.params.id, request.query.source));
      if (!ticket) throw new AppError('NOT_FOUND', `no ticket with id or externalId "${request.params.id}"`);
      return listAssignments(scope, ticket.ticket_id);
    },
  );
}
