import type { Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

export type HelpDeskProvider = Database['help_desk_connections']['provider'];

/** A help desk Strata writes decisions to: where, and its API credentials sealed with the secret box. */
export interface HelpDeskConnection {
  provider: HelpDeskProvider;
  baseUrl: string;
  credentialsCiphertext: string;
  createdAt: Date;
  updatedAt: Date;
}

const toConnection = (r: Selectable<Database['help_desk_connections']>): HelpDeskConnection => ({
  provider: r.provider,
  baseUrl: r.base_url,
  credentialsCiphertext: r.credentials_ciphertext,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function upsertHelpDeskConnection(
  scope: WorkspaceScope,
  connection: { provider: HelpDeskProvider; baseUrl: string; credentialsCiphertext: string },
): Promise<HelpDeskConnection> {
  const { db, workspaceId } = scope;
  const now = scope.clock();
  const row = await db
    .insertInto('help_desk_connections')
    .values({
      workspace_id: workspaceId,
      provider: connection.provider,
      base_url: connection.baseUrl,
      credentials_ciphertext: connection.credentialsCiphertext,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'provider']).doUpdateSet({
        base_url: connection.baseUrl,
        credentials_ciphertext: connection.credentialsCiphertext,
        updated_at: now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toConnection(row);
}

export async function findHelpDeskConnection(scope: WorkspaceScope, provider: HelpDeskProvider): Promise<HelpDeskConnection | undefined> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('help_desk_connections')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return row ? toConnection(row) : undefined;
}

export async function deleteHelpDeskConnection(scope: WorkspaceScope, provider: HelpDeskProvider): Promise<boolean> {
  const { db, workspaceId } = scope;
  const result = await db
    .deleteFrom('help_desk_connections')
    .where('workspace_id', '=', workspaceId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export type TicketSyncOutcome = Database['ticket_sync_attempts']['outcome'];

/** One call (or refusal to call) to a help desk for a ticket's decision. */
export interface TicketSyncAttempt {
  id: string;
  ticketId: string;
  provider: HelpDeskProvider;
  externalTicketId: string;
  /** What Strata asked the help desk to set: `{priority, group, tags}`. */
  request: Record<string, unknown>;
  /** `retrying`: failed, another attempt is queued; `failed`: no more attempts. */
  outcome: TicketSyncOutcome;
  httpStatus: number | null;
  error: string | null;
  attempt: number;
  attemptedAt: Date;
}

export async function insertTicketSyncAttempt(scope: WorkspaceScope, attempt: TicketSyncAttempt): Promise<void> {
  const { db, workspaceId } = scope;
  await db
    .insertInto('ticket_sync_attempts')
    .values({
      workspace_id: workspaceId,
      attempt_id: attempt.id,
      ticket_id: attempt.ticketId,
      provider: attempt.provider,
      external_ticket_id: attempt.externalTicketId,
      request: JSON.stringify(attempt.request),
      outcome: attempt.outcome,
      http_status: attempt.httpStatus,
      error: attempt.error,
      attempt: attempt.attempt,
      attempted_at: attempt.attemptedAt,
    })
    .execute();
}

/** A ticket's sync attempts, oldest first. */
export async function listTicketSyncAttempts(scope: WorkspaceScope, ticketId: string): Promise<TicketSyncAttempt[]> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('ticket_sync_attempts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('ticket_id', '=', ticketId)
    .orderBy('attempted_at')
    .orderBy('attempt_id')
    .execute();
  return rows.map((r) => ({
    id: r.attempt_id,
    ticketId: r.ticket_id,
    provider: r.provider,
    externalTicketId: r.external_ticket_id,
    request: r.request as Record<string, unknown>,
    outcome: r.outcome,
    httpStatus: r.http_status,
    error: r.error,
    attempt: r.attempt,
    attemptedAt: r.attempted_at,
  }));
}
