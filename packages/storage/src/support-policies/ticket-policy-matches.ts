import { sql } from 'kysely';
import type { SupportPolicy, TicketFacts, TicketPriority } from '@strata/core';
import { compileTicketCondition } from '../segments/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A ticket with what a decision reads: the facts of the ticket and the policies whose rule holds for it. */
export interface TicketPolicyMatch {
  ticketId: string;
  /** Who experiments assign: the ticket's account, else its requester, else the ticket itself. */
  unit: string;
  isOpen: boolean;
  facts: TicketFacts;
  /** Keys of the matching policies. */
  matching: string[];
}

/** Which tickets: these ids, the open ones of these requesters or accounts, or a page of all open ones in id order. */
export type TicketSelection =
  { ids: readonly string[] } | { openOf: readonly string[] } | { open: { after: string | null; limit: number } };

/**
 * Decides every policy's rule for the selected tickets in one statement (a boolean column per
 * policy), with the facts the SLA reads: creation, first response, solution and the customer
 * message waiting for an answer since the agents' last public reply.
 */
export async function matchTicketPolicies(
  scope: WorkspaceScope,
  policies: readonly SupportPolicy[],
  selection: TicketSelection,
): Promise<TicketPolicyMatch[]> {
  const context = { workspaceId: scope.workspaceId, now: scope.clock() };
  const matches = policies.map((policy, i) => compileTicketCondition(policy.when, context).as(`m${i}`));
  let query = scope.db
    .selectFrom('tickets as t')
    .select(['t.ticket_id', 't.priority', 't.created_at', 't.first_response_at', 't.solved_at', 't.is_open'])
    .select(sql<string>`coalesce(t.account_id, t.person_id, t.ticket_id)::text`.as('unit'))
    .select(
      sql<Date | null>`(SELECT min(c.created_at) FROM ticket_messages c
        WHERE c.workspace_id = t.workspace_id AND c.ticket_id = t.ticket_id AND c.author = 'customer' AND t.first_response_at IS NOT NULL
          AND c.created_at > (SELECT max(a.created_at) FROM ticket_messages a
            WHERE a.workspace_id = t.workspace_id AND a.ticket_id = t.ticket_id AND a.author = 'agent' AND a.public))`.as('awaiting_since'),
    )
    .where('t.workspace_id', '=', scope.workspaceId);
  if (matches.length > 0) query = query.select(matches);
  if ('ids' in selection) query = query.where('t.ticket_id', '=', sql<string>`ANY(${selection.ids}::uuid[])`);
  else if ('openOf' in selection)
    query = query
      .where('t.is_open', '=', true)
      .where((eb) =>
        eb.or([
          eb('t.person_id', '=', sql<string>`ANY(${selection.openOf}::uuid[])`),
          eb('t.account_id', '=', sql<string>`ANY(${selection.openOf}::uuid[])`),
        ]),
      );
  else {
    query = query.where('t.is_open', '=', true).orderBy('t.ticket_id').limit(selection.open.limit);
    if (selection.open.after !== null) query = query.where('t.ticket_id', '>', selection.open.after);
  }
  const rows = (await query.execute()) as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    ticketId: row['ticket_id'] as string,
    unit: row['unit'] as string,
    isOpen: row['is_open'] as boolean,
    facts: {
      priority: row['priority'] as TicketPriority | null,
      createdAt: row['created_at'] as Date,
      firstResponseAt: row['first_response_at'] as Date | null,
      solvedAt: row['solved_at'] as Date | null,
      awaitingAnswerSince: (row['awaiting_since'] as Date | null) ?? undefined,
    },
    matching: policies.filter((_, i) => row[`m${i}`] === true).map((p) => p.key),
  }));
}

/** How many tickets are open: the total a re-decision's progress counts towards. */
export async function countOpenTickets(scope: WorkspaceScope): Promise<number> {
  const row = await scope.db
    .selectFrom('tickets')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('workspace_id', '=', scope.workspaceId)
    .where('is_open', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
