import { sameDecision, type TicketDecision } from '@strata/core';
import {
  findCurrentDecisions,
  insertTicketDecisions,
  matchTicketPolicies,
  type StoredDecision,
  type TicketSelection,
  type WorkspaceScope,
} from '@strata/storage';
import { announceSupportEvents } from './announce-support-events.js';
import { loadDecisionContext } from './decision-context.js';
import { queueRouting } from '../routing/index.js';
import { syncTicketDecision } from '../integrations/index.js';
// sla-timers.ts calls back into decideTickets when a breach fires: timers cause decisions, decisions schedule timers.
import { scheduleSlaTimers } from './sla-timers.js';

/** A ticket whose decision changed: what it was (none for a new ticket) and what it is now. */
export interface DecisionChange {
  ticketId: string;
  cause: string;
  before: TicketDecision | undefined;
  after: TicketDecision;
}

/** How a run of decisions went: tickets decided, the last one's id (a cursor over open tickets), and the changes stored. */
export interface DecisionRun {
  decided: number;
  lastTicketId: string | null;
  changes: DecisionChange[];
}

/**
 * Decides the selected tickets under the workspace's policies now and stores a decision, with
 * its cause, for each ticket whose decision changed (or that had none); each such change is
 * announced as `ticket.decided` and (re)schedules the ticket's SLA timers. Runs in the caller's
 * scope: in a transaction, the decisions commit with whatever caused them.
 */
export async function decideTickets(scope: WorkspaceScope, selection: TicketSelection, cause: string): Promise<DecisionRun> {
  const context = await loadDecisionContext(scope);
  const matches = await matchTicketPolicies(scope, context.policies, selection);
  const current = await findCurrentDecisions(
    scope,
    matches.map((m) => m.ticketId),
  );
  const changes: DecisionChange[] = [];
  for (const match of matches) {
    // A workspace without policies decides nothing new: its tickets keep their own priority and
    // carry no decision until a policy exists (then the policy's job decides the open ones).
    if (context.policies.length === 0 && !current.has(match.ticketId)) continue;
    const after = context.decide(match);
    const before = current.get(match.ticketId)?.decision;
    if (before && sameDecision(before, after)) continue;
    changes.push({ ticketId: match.ticketId, cause, before, after });
  }
  const now = scope.clock();
  const stored: StoredDecision[] = changes.map((c) => ({ ticketId: c.ticketId, cause: c.cause, decision: c.after, decidedAt: now }));
  const ids = await insertTicketDecisions(scope, stored);
  await announceSupportEvents(
    scope,
    changes.map((c) => ({
      ticketId: c.ticketId,
      type: 'ticket.decided' as const,
      dedupeKey: `ticket.decided:${ids.get(c.ticketId)}`,
      payload: {
        type: 'ticket.decided',
        timestamp: now.toISOString(),
        data: { ticket: c.ticketId, cause: c.cause, decision: c.after, previous: c.before ?? null },
      },
      at: now,
    })),
  );
  await scheduleSlaTimers(
    scope,
    changes.map((c) => ({ ticketId: c.ticketId, sla: c.after.sla })),
  );
  await syncToHelpDesks(scope, changes);
  // A new queue routes the ticket to one of its agents (a job: see queueRouting).
  await queueRouting(
    scope,
    changes.flatMap((c) =>
      c.after.queue !== null && c.after.queue !== c.before?.queue ? [{ ticketId: c.ticketId, queue: c.after.queue, cause: c.cause }] : [],
    ),
  );
  return { decided: matches.length, lastTicketId: matches.at(-1)?.ticketId ?? null, changes };
}

/**
 * Writes a changed priority, tags or queue back to the help desk a ticket came from (a job per
 * ticket, replaced by a newer decision while it waits). The queue goes as its group there, when
 * the queue names one for that help desk. Tickets from the API have nowhere to go back to.
 */
async function syncToHelpDesks(scope: WorkspaceScope, changes: readonly DecisionChange[]): Promise<void> {
  const moved = changes.filter(
    (c) =>
      c.after.priority !== null &&
      (c.after.priority !== c.before?.priority ||
        c.after.queue !== (c.before?.queue ?? null) ||
        c.after.tags.join('\n') !== (c.before?.tags ?? []).join('\n')),
  );
  if (moved.length === 0) return;
  const fromHelpDesks = await scope.db
    .selectFrom('tickets')
    .select('ticket_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where(
      'ticket_id',
      'in',
      moved.map((c) => c.ticketId),
    )
    .where('source', 'in', ['zendesk', 'freshdesk', 'intercom'])
    .execute();
  const synced = new Set(fromHelpDesks.map((t) => t.ticket_id));
  for (const change of moved)
    if (synced.has(change.ticketId))
      await syncTicketDecision(scope, {
        ticketId: change.ticketId,
        priority: change.after.priority!,
        tags: change.after.tags,
        ...(change.after.queue === null ? {} : { queue: change.after.queue }),
      });
}
