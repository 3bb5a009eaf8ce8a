import type { TicketDecision } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A decision as stored: why it was taken and when. */
export interface StoredDecision {
  ticketId: string;
  cause: string;
  decision: TicketDecision;
  decidedAt: Date;
}

type Row = { ticket_id: string; cause: string; decision: unknown; decided_at: Date };
const toDecision = (row: Row): StoredDecision => ({
  ticketId: row.ticket_id,
  cause: row.cause,
  decision: row.decision as TicketDecision,
  decidedAt: row.decided_at,
});

/** The current decision of each ticket that has one (its newest). */
export async function findCurrentDecisions(scope: WorkspaceScope, ticketIds: readonly string[]): Promise<Map<string, StoredDecision>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await scope.db
    .selectFrom('ticket_decisions')
    .distinctOn('ticket_id')
    .select(['ticket_id', 'cause', 'decision', 'decided_at'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('ticket_id', 'in', ticketIds)
    .orderBy('ticket_id')
    .orderBy('decision_id', 'desc')
    .execute();
  return new Map(rows.map((row) => [row.ticket_id, toDecision(row)]));
}

/** Every decision of a ticket, newest first. */
export async function listTicketDecisions(scope: WorkspaceScope, ticketId: string): Promise<StoredDecision[]> {
  const rows = await scope.db
    .selectFrom('ticket_decisions')
    .select(['ticket_id', 'cause', 'decision', 'decided_at'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('ticket_id', '=', ticketId)
    .orderBy('decision_id', 'desc')
    .execute();
  return rows.map(toDecision);
}

/** Stores decisions (at most one per ticket in a call); answers each ticket's new decision id. */
export async function insertTicketDecisions(scope: WorkspaceScope, decisions: readonly StoredDecision[]): Promise<Map<string, number>> {
  if (decisions.length === 0) return new Map();
  const rows = await scope.db
    .insertInto('ticket_decisions')
    .values(
      decisions.map((d) => ({
        workspace_id: scope.workspaceId,
        ticket_id: d.ticketId,
        cause: d.cause,
        decision: JSON.stringify(d.decision),
        decided_at: d.decidedAt,
      })),
    )
    .returning(['ticket_id', 'decision_id'])
    .execute();
  return new Map(rows.map((r) => [r.ticket_id, Number(r.decision_id)]));
}
