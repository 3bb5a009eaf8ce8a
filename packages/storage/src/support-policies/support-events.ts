import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SupportEvent } from '../webhooks/index.js';
import { forEachWorkspace, type WorkspaceScope } from '../workspace-scope.js';

/** A support event to record; `dedupeKey` names it, so recording it again adds nothing. */
export interface SupportEventInput {
  ticketId: string;
  type: SupportEvent;
  dedupeKey: string;
  payload: unknown;
  at: Date;
}

/** Records support events; answers those that were new, with their ids, for webhooks to announce. */
export async function recordSupportEvents(
  scope: WorkspaceScope,
  events: readonly SupportEventInput[],
): Promise<Array<{ eventId: number; type: SupportEvent; payload: unknown }>> {
  if (events.length === 0) return [];
  const rows = await scope.db
    .insertInto('support_events')
    .values(
      events.map((e) => ({
        workspace_id: scope.workspaceId,
        ticket_id: e.ticketId,
        type: e.type,
        dedupe_key: e.dedupeKey,
        payload: JSON.stringify(e.payload),
        at: e.at,
      })),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
    .returning(['event_id', 'type', 'payload'])
    .execute();
  return rows.map((r) => ({ eventId: Number(r.event_id), type: r.type, payload: r.payload }));
}

/** Support events recorded so far by type, over every workspace: counters for `/metrics`. */
export async function countSupportEvents(db: Kysely<Database>): Promise<Record<SupportEvent, number>> {
  const totals: Record<SupportEvent, number> = { 'ticket.decided': 0, 'sla.warning': 0, 'sla.breached': 0 };
  await forEachWorkspace(
    db,
    () => new Date(0),
    async ({ db: scoped, workspaceId }) => {
      const { rows } = await sql<{ type: SupportEvent; n: number }>`
      SELECT type, count(*)::int AS n FROM support_events WHERE workspace_id = ${workspaceId} GROUP BY type`.execute(scoped);
      for (const row of rows) totals[row.type] += row.n;
    },
  );
  return totals;
}
