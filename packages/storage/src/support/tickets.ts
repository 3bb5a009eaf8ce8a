import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

export type TicketRow = Selectable<Database['tickets']>;
export type NewTicketRow = Insertable<Database['tickets']>;
export type TicketUpdate = Updateable<Database['tickets']>;
export type TicketMessageRow = Selectable<Database['ticket_messages']>;
export type NewTicketMessageRow = Insertable<Database['ticket_messages']>;

/** How a caller names a ticket: Strata's id, or a help desk's id (any source unless one is given). */
export type TicketRef = { ticketId: string } | { externalId: string; source?: string };

function selectTicket(db: Kysely<Database>, workspaceId: string, ref: TicketRef) {
  let query = db.selectFrom('tickets').selectAll().where('workspace_id', '=', workspaceId);
  if ('ticketId' in ref) query = query.where('ticket_id', '=', ref.ticketId);
  else {
    query = query.where('external_id', '=', ref.externalId);
    if (ref.source) query = query.where('source', '=', ref.source);
  }
  // An external id known to several sources names the API's own ticket first.
  return query
    .orderBy(sql`source = 'api'`, 'desc')
    .orderBy('created_at')
    .limit(1);
}

/** The ticket, locked for update in the caller's transaction. */
export async function lockTicket(scope: WorkspaceScope, ref: TicketRef): Promise<TicketRow | undefined> {
  const { db, workspaceId } = scope;
  return selectTicket(db, workspaceId, ref).forUpdate().executeTakeFirst();
}

export async function findTicket(scope: WorkspaceScope, ref: TicketRef): Promise<TicketRow | undefined> {
  const { db, workspaceId } = scope;
  return selectTicket(db, workspaceId, ref).executeTakeFirst();
}

export async function insertTicket(scope: WorkspaceScope, row: Omit<NewTicketRow, 'workspace_id'>): Promise<TicketRow> {
  return scope.db
    .insertInto('tickets')
    .values({ ...row, workspace_id: scope.workspaceId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateTicket(scope: WorkspaceScope, ticketId: string, update: TicketUpdate): Promise<TicketRow> {
  const { db, workspaceId } = scope;
  return db
    .updateTable('tickets')
    .set({ ...update, updated_at: sql<Date>`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Adds a message; one already stored under the same external id is left as it is (undefined). */
export async function insertTicketMessage(
  scope: WorkspaceScope,
  row: Omit<NewTicketMessageRow, 'workspace_id'>,
): Promise<TicketMessageRow | undefined> {
  return scope.db
    .insertInto('ticket_messages')
    .values({ ...row, workspace_id: scope.workspaceId })
    .onConflict((oc) => oc.columns(['workspace_id', 'ticket_id', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function listTicketMessages(scope: WorkspaceScope, ticketId: string): Promise<TicketMessageRow[]> {
  const { db, workspaceId } = scope;
  return db
    .selectFrom('ticket_messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('message_id')
    .execute();
}

/**
 * Remembers a provider's event id in the caller's transaction; false when it was seen before,
 * so a redelivered webhook changes nothing.
 */
export async function claimWebhookDelivery(scope: WorkspaceScope, provider: string, eventId: string): Promise<boolean> {
  const { db, workspaceId } = scope;
  const row = await db
    .insertInto('webhook_deliveries')
    .values({ workspace_id: workspaceId, provider, event_id: eventId })
    .onConflict((oc) => oc.doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}
