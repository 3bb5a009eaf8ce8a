import { z } from 'zod';
import { sendSyncRequest, type HelpDeskUpdate, type SendRequest, type SyncCallResult } from './sync-call.js';

/** Zendesk API token authentication: the agent's e-mail and a token from Admin Center › Apps and integrations › APIs. */
export const zendeskCredentials = z.object({ email: z.email(), apiToken: z.string().min(1).max(200) });
export type ZendeskCredentials = z.infer<typeof zendeskCredentials>;

/**
 * Updates a Zendesk ticket (Update Ticket, `PUT /api/v2/tickets/{id}.json`): `priority` as it is
 * (Zendesk has the same four), `group_id`, and `additional_tags`, which adds to the ticket's tags
 * where `tags` would replace the ones agents set. Basic auth as `{email}/token:{apiToken}`.
 */
export async function syncZendeskTicket(
  send: SendRequest,
  baseUrl: string,
  credentials: ZendeskCredentials,
  update: HelpDeskUpdate,
  now: Date,
): Promise<SyncCallResult> {
  const ticket: Record<string, unknown> = { priority: update.priority };
  if (update.group !== undefined) ticket['group_id'] = /^\d+$/.test(update.group) ? Number(update.group) : update.group;
  if (update.tags?.length) ticket['additional_tags'] = update.tags;
  const auth = Buffer.from(`${credentials.email}/token:${credentials.apiToken}`).toString('base64');
  return sendSyncRequest(
    send,
    'Zendesk',
    {
      url: `${baseUrl}/api/v2/tickets/${encodeURIComponent(update.externalTicketId)}.json`,
      method: 'PUT',
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ ticket }),
    },
    now,
  );
}
