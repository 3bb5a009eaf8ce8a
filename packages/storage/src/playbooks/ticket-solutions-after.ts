import { sql } from 'kysely';
import type { ChangeCursor } from '../changes/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** A ticket becoming solved (logged by a trigger on `tickets`), with its requester. */
export interface TicketSolution extends ChangeCursor {
  ticketId: string;
  /** The ticket's id in its help desk, when it came from one. */
  externalId: string | null;
  subject: string | null;
  personId: string | null;
  at: Date;
}

/** A workspace's solved tickets after a cursor, in log order; only transactions older than every running one. */
export async function readTicketSolutionsAfter(scope: WorkspaceScope, after: ChangeCursor, limit: number): Promise<TicketSolution[]> {
  const rows = await sql<{
    txid: string;
    change_id: string;
    ticket_id: string;
    external_id: string | null;
    subject: string | null;
    person_id: string | null;
    at: Date;
  }>`
    SELECT s.txid::text AS txid, s.change_id, s.ticket_id, t.external_id, t.subject, s.person_id, s.at
    FROM ticket_solutions s
    LEFT JOIN tickets t ON t.workspace_id = s.workspace_id AND t.ticket_id = s.ticket_id
    WHERE s.workspace_id = ${scope.workspaceId}
      AND s.txid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
      AND (s.txid, s.change_id) > (${after.txid}::xid8, ${after.changeId}::bigint)
    ORDER BY s.txid, s.change_id
    LIMIT ${limit}`.execute(scope.db);
  return rows.rows.map((r) => ({
    txid: r.txid,
    changeId: Number(r.change_id),
    ticketId: r.ticket_id,
    externalId: r.external_id,
    subject: r.subject,
    personId: r.person_id,
    at: r.at,
  }));
}
