import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { setAgentAvailability } from '@strata/engine';
import { agentStatuses, inWorkspaceTransaction, listQueues, openTicketLoad, recordAudit } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { agentSchema, assignmentSchema } from './routing-schemas.js';

const emailParams = z.object({ email: z.email('an email address, such as ana@example.com').transform((e) => e.toLowerCase()) });

/** Agents: everyone seated in a queue, with status and load; setting one away moves their tickets. */
export function registerAgentRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/agents',
    {
      schema: {
        operationId: 'listAgents',
        summary: 'Every agent seated in a queue: status, open tickets, and their seats',
        tags: ['routing'],
        response: { 200: z.array(agentSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'tickets:read');
      const queues = await listQueues(scope);
      const emails = [...new Set(queues.flatMap((q) => q.agents.map((a) => a.email)))].sort();
      const [status, load] = await Promise.all([agentStatuses(scope, emails), openTicketLoad(scope, emails)]);
      return emails.map((email) => ({
        email,
        status: status.get(email) ?? 'online',
        openTickets: load.get(email) ?? 0,
        queues: queues.flatMap((q) =>
          q.agents
            .filter((a) => a.email === email)
            .map((a) => ({ key: q.key, capacity: a.capacity, skills: a.skills, languages: a.languages })),
        ),
      }));
    },
  );
  api.put(
    '/agents/:email/status',
    {
      schema: {
        operationId: 'setAgentStatus',
        summary: 'Set an agent online or away; going away moves the open tickets their queues gave them to others in the same queue',
        tags: ['routing'],
        params: emailParams,
        body: z.object({ status: z.enum(['online', 'away']) }),
        response: { 200: z.object({ email: z.string(), status: z.enum(['online', 'away']), moved: z.array(assignmentSchema) }) },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'queue:work');
      const { email } = request.params;
      // An agent sets their own status; setting someone else's is a lead's (policies:write) or a key's.
      if (caller.session && caller.session.email.toLowerCase() !== email && !caller.permissions.includes('policies:write'))
        throw new AppError(
          'FORBIDDEN',
          `an agent sets only their own status (${caller.session.email}); a lead with policies:write sets others'`,
        );
      const moved = await setAgentAvailability(caller.scope, email, request.body.status);
      await inWorkspaceTransaction(caller.scope, (tx) =>
        recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'agent.status',
          subject: email,
          before: null,
          after: { status: request.body.status, moved: moved.length },
        }),
      );
      return { email, status: request.body.status, moved };
    },
  );
}
