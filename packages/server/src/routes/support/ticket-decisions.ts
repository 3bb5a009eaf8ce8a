import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findTicket, listTicketDecisions } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { decisionSchema } from '../support-policies/index.js';
import { idParams, refOf, sourceQuery } from './ticket-schemas.js';

/** The history of a ticket's decisions: what the support policies decided each time, and why. */
export function registerTicketDecisionRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/tickets/:id/decisions',
    {
      schema: {
        operationId: 'listTicketDecisions',
        summary: 'Every decision on a ticket with its cause (ticket-created, segment-entered:KEY, policy-changed:KEY, ...), newest first',
        security: [{ bearer: [] }, { writeKey: [] }],
        tags: ['tickets'],
        params: idParams,
        querystring: sourceQuery,
        response: { 200: z.array(decisionSchema.extend({ cause: z.string() })) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const ticket = await findTicket(scope, refOf(request.params.id, request.query.source));
      if (!ticket) throw new AppError('NOT_FOUND', `no ticket with id or externalId "${request.params.id}"`);
      const decisions = await listTicketDecisions(scope, ticket.ticket_id);
      return decisions.map((d) => ({ cause: d.cause, ...d.decision, decidedAt: d.decidedAt }));
    },
  );
}
