import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A ticket a policy's experiment reached, in its arm, with what the readout compares. */
export interface ExperimentTicket {
  ticketId: string;
  arm: 'treatment' | 'holdout';
  accountId: string | null;
  csat: number | null;
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
  solved: boolean;
  reopened: boolean;
  /** The account has churned (a `churned_at` trait, or a churned or cancelled status). */
  accountChurned: boolean | null;
}

/**
 * Tickets that a decision ever handled under the policy (treatment) or held out of it (holdout).
 * The arm follows the customer, so a ticket is in one arm; if both ever happened (its account
 * changed), the holdout wins, as the stricter reading.
 */
export async function listExperimentTickets(scope: WorkspaceScope, policyKey: string): Promise<ExperimentTicket[]> {
  const { db, workspaceId } = scope;
  const { rows } = await sql<{
    ticket_id: string;
    held_out: boolean;
    account_id: string | null;
    csat: number | null;
    first_response_minutes: number | null;
    resolution_minutes: number | null;
    solved: boolean;
    reopened: boolean;
    account_churned: boolean | null;
  }>`
    WITH arms AS (
      SELECT d.ticket_id,
        bool_or(d.decision -> 'heldOut' ? ${policyKey}) AS held_out,
        bool_or(d.decision -> 'matched' @> jsonb_build_array(jsonb_build_object('policy', ${policyKey}::text))) AS treated
      FROM ticket_decisions d WHERE d.workspace_id = ${workspaceId}
      GROUP BY d.ticket_id
    )
    SELECT t.ticket_id, arms.held_out, t.account_id, t.csat, t.first_response_minutes, t.resolution_minutes,
      t.solved_at IS NOT NULL AS solved, t.reopen_count > 0 AS reopened,
      CASE WHEN a.account_id IS NULL THEN NULL ELSE (a.traits ? 'churned_at'
        OR lower(a.traits ->> 'status') IN ('churned', 'cancelled', 'canceled')
        OR lower(a.traits ->> 'subscription_status') IN ('cancelled', 'canceled')) END AS account_churned
    FROM arms
    JOIN tickets t ON t.workspace_id = ${workspaceId} AND t.ticket_id = arms.ticket_id
    LEFT JOIN accounts a ON a.workspace_id = t.workspace_id AND a.account_id = t.account_id
    WHERE arms.held_out OR arms.treated`.execute(db);
  return rows.map((r) => ({
    ticketId: r.ticket_id,
    arm: r.held_out ? 'holdout' : 'treatment',
    accountId: r.account_id,
    csat: r.csat,
    firstResponseMinutes: r.first_response_minutes,
    resolutionMinutes: r.resolution_minutes,
    solved: r.solved,
    reopened: r.reopened,
    accountChurned: r.account_churned,
  }));
}
