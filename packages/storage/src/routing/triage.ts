import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** An open ticket with what the triage score reads of it and its customer. */
export interface TriageRow {
  ticketId: string;
  subject: string | null;
  priority: string | null;
  status: string | null;
  language: string | null;
  assignee: string | null;
  createdAt: Date;
  firstResponseAt: Date | null;
  worstSentiment: number | null;
  worstSentimentLabel: string | null;
  personId: string | null;
  accountId: string | null;
  userId: string | null;
  groupId: string | null;
  accountName: string | null;
  churnRisk: number | null;
  /** The `value` health model's score. */
  value: number | null;
  /** The queue of the ticket's latest assignment, if routed. */
  routedQueue: string | null;
}

/** Every open ticket of the workspace (or an agent's), with its customer's churn risk and value. */
export async function listOpenTicketsForTriage(scope: WorkspaceScope, options: { agent?: string } = {}): Promise<TriageRow[]> {
  const { db, workspaceId } = scope;
  const { rows } = await sql<{
    ticket_id: string;
    subject: string | null;
    priority: string | null;
    status: string | null;
    language: string | null;
    assignee: string | null;
    created_at: Date;
    first_response_at: Date | null;
    worst_sentiment: number | null;
    worst_sentiment_label: string | null;
    person_id: string | null;
    account_id: string | null;
    user_id: string | null;
    group_id: string | null;
    account_name: string | null;
    churn_risk: number | null;
    value: number | null;
    routed_queue: string | null;
  }>`
    SELECT t.ticket_id, t.subject, t.priority, t.status, t.language, t.assignee, t.created_at, t.first_response_at,
      t.worst_sentiment, t.worst_sentiment_label, t.person_id, t.account_id, p.user_id, a.group_id, a.traits ->> 'name' AS account_name,
      c.probability AS churn_risk, v.score AS value,
      (SELECT ta.queue_key FROM ticket_assignments ta
        WHERE ta.workspace_id = t.workspace_id AND ta.ticket_id = t.ticket_id
        ORDER BY ta.assignment_id DESC LIMIT 1) AS routed_queue
    FROM tickets t
    LEFT JOIN people p ON p.workspace_id = t.workspace_id AND p.person_id = t.person_id
    LEFT JOIN accounts a ON a.workspace_id = t.workspace_id AND a.account_id = t.account_id
    LEFT JOIN churn_scores c ON c.workspace_id = t.workspace_id AND c.account_id = t.account_id
    LEFT JOIN account_health v ON v.workspace_id = t.workspace_id AND v.account_id = t.account_id AND v.model_key = 'value'
    WHERE t.workspace_id = ${workspaceId} AND t.is_open
      ${options.agent === undefined ? sql`` : sql`AND t.assignee = ${options.agent}`}`.execute(db);
  return rows.map((r) => ({
    ticketId: r.ticket_id,
    subject: r.subject,
    priority: r.priority,
    status: r.status,
    language: r.language,
    assignee: r.assignee,
    createdAt: r.created_at,
    firstResponseAt: r.first_response_at,
    worstSentiment: r.worst_sentiment,
    worstSentimentLabel: r.worst_sentiment_label,
    personId: r.person_id,
    accountId: r.account_id,
    userId: r.user_id,
    groupId: r.group_id,
    accountName: r.account_name,
    churnRisk: r.churn_risk,
    value: r.value,
    routedQueue: r.routed_queue,
  }));
}

/** The workspace's triage weights as set, or undefined for the defaults. */
export async function readTriageWeights(scope: WorkspaceScope): Promise<Record<string, number> | undefined> {
  const row = await scope.db
    .selectFrom('workspaces')
    .select('triage_weights')
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
  return row?.triage_weights ?? undefined;
}

export async function writeTriageWeights(scope: WorkspaceScope, weights: Record<string, number> | null): Promise<void> {
  await scope.db
    .updateTable('workspaces')
    .set({ triage_weights: weights === null ? null : JSON.stringify(weights) })
    .where('workspace_id', '=', scope.workspaceId)
    .execute();
}
