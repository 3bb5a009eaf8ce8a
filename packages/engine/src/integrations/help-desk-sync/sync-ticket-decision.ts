import type { TicketPriority } from '@strata/core';
import type { WorkspaceScope } from '@strata/storage';
import { enqueue } from '../../jobs/index.js';
import { syncJobKey, syncTicketTask } from './sync-ticket-task.js';

/** A support decision as the help desk should show it. */
export interface TicketDecisionSync {
  ticketId: string;
  priority: TicketPriority;
  /** The help desk's group (Zendesk, Freshdesk) or team (Intercom) id. */
  group?: string | undefined;
  /** The decision's queue: its group in the ticket's help desk is looked up when the job runs. */
  queue?: string | undefined;
  tags?: string[] | undefined;
}

/**
 * Queues writing a ticket's decision back to its help desk, in the caller's transaction, so the
 * sync exists exactly when the decision commits. A decision still waiting to be sent is replaced by
 * this one. Tickets not from Zendesk, Freshdesk or Intercom are left alone when the job runs.
 */
export async function syncTicketDecision(scope: WorkspaceScope, decision: TicketDecisionSync): Promise<void> {
  await enqueue(
    scope.db,
    syncTicketTask,
    {
      workspaceId: scope.workspaceId,
      ticketId: decision.ticketId,
      update: {
        priority: decision.priority,
        ...(decision.group === undefined ? {} : { group: decision.group }),
        ...(decision.queue === undefined ? {} : { queue: decision.queue }),
        ...(decision.tags === undefined ? {} : { tags: decision.tags }),
      },
      rateLimited: 0,
    },
    { key: syncJobKey(scope.workspaceId, decision.ticketId) },
  );
}
