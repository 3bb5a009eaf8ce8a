import { sql } from 'kysely';
import type { AgentStatus } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

/** Agents' statuses as set; an agent never set is online. */
export async function agentStatuses(scope: WorkspaceScope, emails?: readonly string[]): Promise<Map<string, AgentStatus>> {
  let query = scope.db.selectFrom('agent_statuses').select(['email', 'status']).where('workspace_id', '=', scope.workspaceId);
  if (emails) {
    if (emails.length === 0) return new Map();
    query = query.where('email', 'in', emails);
  }
  return new Map((await query.execute()).map((r) => [r.email, r.status]));
}

export async function setAgentStatus(scope: WorkspaceScope, email: string, status: AgentStatus): Promise<void> {
  await scope.db
    .insertInto('agent_statuses')
    .values({ workspace_id: scope.workspaceId, email, status })
    .onConflict((c) => c.columns(['workspace_id', 'email']).doUpdateSet({ status, changed_at: sql`now()` }))
    .execute();
}

/** Open tickets each agent holds now (by `tickets.assignee`, whoever assigned them). */
export async function openTicketLoad(scope: WorkspaceScope, emails: readonly string[]): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const rows = await scope.db
    .selectFrom('tickets')
    .select(['assignee', (eb) => eb.fn.countAll<string>().as('open')])
    .where('workspace_id', '=', scope.workspaceId)
    .where('is_open', '=', true)
    .where('assignee', 'in', emails)
    .groupBy('assignee')
    .execute();
  return new Map(rows.map((r) => [r.assignee!, Number(r.open)]));
}

/**
 * Takes each agent's assignment lock, in a fixed order, until the caller's transaction ends: two
 * queues that share an agent then never both count that agent under capacity at once.
 */
export async function lockAgents(scope: WorkspaceScope, emails: readonly string[]): Promise<void> {
  const sorted = [...new Set(emails)].sort();
  if (sorted.length === 0) return;
  await sql`
    SELECT pg_advisory_xact_lock(hashtextextended(${scope.workspaceId} || ':agent:' || email, 7))
    FROM unnest(${sorted}::text[]) WITH ORDINALITY AS t(email, n)
    ORDER BY n`.execute(scope.db);
}
