import { z } from 'zod';
import { findCurrentDecisions, inWorkspaceTransaction, workspaceScope, type WorkspaceScope } from '@strata/storage';
import { enqueueMany, type Task } from '../jobs/index.js';
import { routeTicket, UnknownQueueError } from './route-ticket.js';

export interface RouteTicketPayload {
  workspaceId: string;
  ticketId: string;
  queue: string;
  cause: string;
}

/**
 * Queues routing for tickets whose policy decision set a new queue, in the decision's
 * transaction. Routing runs as a job of its own: it takes the queue's and agents' locks before
 * the ticket's row, while a decision may hold the ticket's row already (a ticket write), so doing
 * it inline could wait in a circle. One pending job per ticket: a newer decision replaces it.
 */
export async function queueRouting(
  scope: WorkspaceScope,
  tickets: ReadonlyArray<{ ticketId: string; queue: string; cause: string }>,
): Promise<void> {
  if (tickets.length === 0) return;
  await enqueueMany(
    scope.db,
    routeTicketTask,
    tickets.map((t) => ({ payload: { workspaceId: scope.workspaceId, ...t }, key: `route-ticket:${scope.workspaceId}:${t.ticketId}` })),
  );
}

/** Routes a ticket through the queue its policy set, if that is still the ticket's decision and it is open. */
export const routeTicketTask: Task<RouteTicketPayload> = {
  name: 'route-ticket',
  payload: z.object({ workspaceId: z.string(), ticketId: z.string(), queue: z.string(), cause: z.string() }).passthrough(),
  maxAttempts: 10,
  async run(payload, { db, now, log }) {
    const scope = workspaceScope(db, payload.workspaceId, now);
    await inWorkspaceTransaction(scope, async (tx) => {
      const decision = (await findCurrentDecisions(tx, [payload.ticketId])).get(payload.ticketId)?.decision;
      if (decision?.queue !== payload.queue) return;
      try {
        await routeTicket(tx, payload.ticketId, payload.queue, { cause: payload.cause, onlyIfOpen: true });
      } catch (error) {
        // The queue was deleted after the policy named it: nothing to retry; the decision shows the key.
        if (!(error instanceof UnknownQueueError)) throw error;
        log('warn', 'a support policy names a queue that no longer exists', { queue: payload.queue });
      }
    });
  },
};
