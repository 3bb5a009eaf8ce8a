import type { WorkspaceScope } from '../workspace-scope.js';

export interface TicketAssignment {
  ticketId: string;
  queue: string;
  assignee: string | null;
  reason: string;
  languageFallback: boolean;
  /** What caused it: `routed`, `agent-away:EMAIL`, `queue-changed:KEY`. */
  cause: string;
  at: Date;
}

/** Records an assignment and sets the ticket's assignee to it, in the caller's transaction. */
export async function recordAssignment(scope: WorkspaceScope, assignment: Omit<TicketAssignment, 'at'>): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .insertInto('ticket_assignments')
    .values({
      workspace_id: workspaceId,
      ticket_id: assignment.ticketId,
      queue_key: assignment.queue,
      assignee: assignment.assignee,
      reason: assignment.reason,
      language_fallback: assignment.languageFallback,
      cause: assignment.cause,
    })
    .execute();
  await db
    .updateTable('tickets')
    .set({ assignee: assignment.assignee, updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', assignment.ticketId)
    .execute();
}

/** A ticket's assignments, newest first. */
export async function listAssignments(scope: WorkspaceScope, ticketId: string): Promise<TicketAssignment[]> {
  const rows = await scope.db
    .selectFrom('ticket_assignments')
    .select(['ticket_id', 'queue_key', 'assignee', 'reason', 'language_fallback', 'cause', 'at'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('ticket_id', '=', ticketId)
    .orderBy('assignment_id', 'desc')
    .execute();
  return rows.map((r) => ({
    ticketId: r.ticket_id,
    queue: r.queue_key,
    assignee: r.assignee,
    reason: r.reason,
    languageFallback: r.language_fallback,
    cause: r.cause,
    at: r.at,
  }));
}

/**
 * Open tickets an agent holds through a queue's assignment (their latest assignment names them),
 * with that queue: what moves when the agent goes away. Tickets a help desk assigned are not here.
 */
export async function openTicketsRoutedTo(scope: WorkspaceScope, email: string): Promise<Array<{ ticketId: string; queue: string }>> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('tickets as t')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('ticket_assignments as a')
          .select(['a.queue_key', 'a.assignee'])
          .whereRef('a.workspace_id', '=', 't.workspace_id')
          .whereRef('a.ticket_id', '=', 't.ticket_id')
          .orderBy('a.assignment_id', 'desc')
          .limit(1)
          .as('latest'),
      (join) => join.onTrue(),
    )
    .select(['t.ticket_id', 'latest.queue_key'])
    .where('t.workspace_id', '=', workspaceId)
    .where('t.is_open', '=', true)
    .where('t.assignee', '=', email)
    .where('latest.assignee', '=', email)
    .orderBy('t.created_at')
    .execute();
  return rows.map((r) => ({ ticketId: r.ticket_id, queue: r.queue_key }));
}
