import { pickAgent } from '@strata/core';
import {
  agentStatuses,
  findQueue,
  inWorkspaceTransaction,
  lockAgents,
  openTicketLoad,
  openTicketsRoutedTo,
  recordAssignment,
  recordRoundRobinPick,
  setAgentStatus,
  type TicketAssignment,
  type WorkspaceScope,
} from '@strata/storage';

export interface RouteOptions {
  /** Skills the ticket requires (every one among the agent's). */
  skills?: readonly string[];
  /** What caused this routing, kept with the assignment. */
  cause: string;
  /** Agents not to pick. */
  exclude?: ReadonlySet<string>;
  /** Route only an open ticket this agent still holds (else nothing happens, and undefined is returned). */
  onlyIfHeldBy?: string;
  /** Route only an open ticket (else nothing happens, and undefined is returned). */
  onlyIfOpen?: boolean;
}

/** A queue that is not there: the caller names the field that holds its key. */
export class UnknownQueueError extends Error {
  constructor(readonly queue: string) {
    super(`no queue "${queue}": create it with PUT /api/v1/queues/${queue}`);
    this.name = 'UnknownQueueError';
  }
}

/**
 * Routes a ticket through a queue, in the caller's transaction: the queue's row and its agents'
 * locks are held to commit, so concurrent tickets (in this queue, or in another sharing an agent)
 * count each agent's load one after another and no agent goes over capacity. Locks are taken in
 * one order (queue, agents, then the ticket's row), so two routings never wait on each other in a
 * circle. Records the assignment, sets the ticket's assignee, and moves round-robin on.
 */
export async function routeTicket(
  scope: WorkspaceScope,
  ticketId: string,
  queueKey: string,
  options: RouteOptions,
): Promise<TicketAssignment | undefined> {
  const queue = await findQueue(scope, queueKey, { forUpdate: true });
  if (!queue) throw new UnknownQueueError(queueKey);
  const emails = queue.agents.map((a) => a.email);
  await lockAgents(scope, emails);
  const ticket = await scope.db
    .selectFrom('tickets')
    .select(['language', 'assignee', 'is_open'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('ticket_id', '=', ticketId)
    .forUpdate()
    .executeTakeFirst();
  if (!ticket) throw new Error(`no ticket ${ticketId}`);
  if (options.onlyIfHeldBy !== undefined && (!ticket.is_open || ticket.assignee !== options.onlyIfHeldBy)) return undefined;
  if (options.onlyIfOpen && !ticket.is_open) return undefined;
  const [status, load] = await Promise.all([agentStatuses(scope, emails), openTicketLoad(scope, emails)]);
  // The ticket itself does not count against the agent who holds it now: it may stay with them.
  if (ticket.assignee && load.has(ticket.assignee)) load.set(ticket.assignee, load.get(ticket.assignee)! - 1);
  const pick = pickAgent({
    queue,
    language: ticket.language,
    skills: options.skills ?? [],
    status,
    load,
    lastAssigned: queue.lastAssigned,
    ...(options.exclude ? { exclude: options.exclude } : {}),
  });
  const assignment = {
    ticketId,
    queue: queue.key,
    assignee: pick.assignee,
    reason: pick.reason,
    languageFallback: pick.languageFallback,
    cause: options.cause,
  };
  await recordAssignment(scope, assignment);
  if (queue.assignment === 'round-robin' && pick.assignee) await recordRoundRobinPick(scope, queue.key, pick.assignee);
  return { ...assignment, at: scope.clock() };
}

/**
 * Sets an agent online or away. Going away moves the open tickets their queues gave them to
 * someone else in the same queue (or leaves them waiting there, unassigned), each in a
 * transaction of its own so that no two queues' locks are ever held together. Returns the moves.
 */
export async function setAgentAvailability(scope: WorkspaceScope, email: string, status: 'online' | 'away'): Promise<TicketAssignment[]> {
  // Under the agent's lock: a routing that counted them online has committed before this, so
  // its ticket is among those moved below; one that starts after sees them away.
  await inWorkspaceTransaction(scope, async (tx) => {
    await lockAgents(tx, [email]);
    await setAgentStatus(tx, email, status);
  });
  if (status === 'online') return [];
  const moved: TicketAssignment[] = [];
  for (const { ticketId, queue } of await openTicketsRoutedTo(scope, email)) {
    const assignment = await inWorkspaceTransaction(scope, async (tx) => {
      try {
        // Only if still theirs: a concurrent routing may have moved it meanwhile.
        return await routeTicket(tx, ticketId, queue, { cause: `agent-away:${email}`, exclude: new Set([email]), onlyIfHeldBy: email });
      } catch (error) {
        // The queue was deleted since: the ticket stays where it is.
        if (error instanceof UnknownQueueError) return undefined;
        throw error;
      }
    });
    if (assignment) moved.push(assignment);
  }
  return moved;
}
