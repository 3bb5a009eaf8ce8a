import { z } from 'zod';
import type { TicketPriority } from '@strata/core';
import { sendSyncRequest, type HelpDeskUpdate, type SendRequest, type SyncCallResult } from './sync-call.js';

/** Freshdesk authenticates with an agent's API key (Profile settings › Your API Key). */
export const freshdeskCredentials = z.object({ apiKey: z.string().min(1).max(200) });
export type FreshdeskCredentials = z.infer<typeof freshdeskCredentials>;

/** Freshdesk's priorities are numbers: 1 Low, 2 Medium, 3 High, 4 Urgent. */
const freshdeskPriority: Record<TicketPriority, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

/**
 * Updates a Freshdesk ticket (Update a Ticket, `PUT /api/v2/tickets/{id}`): `priority` as its
 * number, `group_id` (a number), and `tags`, which Freshdesk replaces as a whole: the caller
 * sends the tags the ticket should end up with. Basic auth with the API key as user name and
 * `X` as password, as Freshdesk documents.
 */
export async function syncFreshdeskTicket(
  send: SendRequest,
  baseUrl: string,
  credentials: FreshdeskCredentials,
  update: HelpDeskUpdate,
  now: Date,
): Promise<SyncCallResult> {
  const body: Record<string, unknown> = { priority: freshdeskPriority[update.priority] };
  if (update.group !== undefined) body['group_id'] = /^\d+$/.test(update.group) ? Number(update.group) : update.group;
  if (update.tags?.length) body['tags'] = update.tags;
  const auth = Buffer.from(`${credentials.apiKey}:X`).toString('base64');
  return sendSyncRequest(
    send,
    'Freshdesk',
    {
      url: `${baseUrl}/api/v2/tickets/${encodeURIComponent(update.externalTicketId)}`,
      method: 'PUT',
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
    now,
  );
}
