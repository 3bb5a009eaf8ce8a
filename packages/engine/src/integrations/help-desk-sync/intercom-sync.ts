import { z } from 'zod';
import { sendSyncRequest, type HelpDeskUpdate, type SendRequest, type SyncCallResult } from './sync-call.js';

/**
 * An Intercom access token, the admin Strata acts as (assignments and tags name who did them),
 * and the conversation data attribute that holds the priority.
 */
export const intercomCredentials = z.object({
  accessToken: z.string().min(1).max(500),
  adminId: z.string().regex(/^\d+$/, 'the id of the Intercom admin Strata acts as, digits only (GET /admins lists them)'),
  priorityAttribute: z.string().min(1).max(100).default('Priority'),
});
export type IntercomCredentials = z.infer<typeof intercomCredentials>;

/** The API version Strata was written against; Intercom answers in the version asked for. */
export const intercomVersion = '2.11';

/**
 * Brings an Intercom conversation in line with a decision, in Intercom's documented calls:
 * 1. the priority into a conversation data attribute (Update a conversation, `PUT
 *    /conversations/{id}` with `custom_attributes`): the API has no call that sets the inbox's own
 *    priority flag, so a data attribute (a list attribute with low, normal, high, urgent) carries it;
 * 2. the team, when there is one (Manage a conversation, `POST /conversations/{id}/parts` with
 *    `message_type: "assignment"`, `type: "team"`);
 * 3. each tag: created or found by name (`POST /tags`), then attached (`POST
 *    /conversations/{id}/tags`).
 * The first failure ends the sync; the calls are idempotent, so a retry repeats them all.
 */
export async function syncIntercomConversation(
  send: SendRequest,
  baseUrl: string,
  credentials: IntercomCredentials,
  update: HelpDeskUpdate,
  now: Date,
): Promise<SyncCallResult> {
  const headers = {
    authorization: `Bearer ${credentials.accessToken}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'intercom-version': intercomVersion,
  };
  const conversation = `${baseUrl}/conversations/${encodeURIComponent(update.externalTicketId)}`;
  const call = (url: string, method: 'PUT' | 'POST', body: unknown) =>
    sendSyncRequest(send, 'Intercom', { url, method, headers, body: JSON.stringify(body) }, now);

  let result = await call(conversation, 'PUT', { custom_attributes: { [credentials.priorityAttribute]: update.priority } });
  if (!result.ok) return result;
  if (update.group !== undefined) {
    result = await call(`${conversation}/parts`, 'POST', {
      message_type: 'assignment',
      type: 'team',
      admin_id: credentials.adminId,
      assignee_id: update.group,
    });
    if (!result.ok) return result;
  }
  for (const name of update.tags ?? []) {
    const tag = await call(`${baseUrl}/tags`, 'POST', { name });
    if (!tag.ok) return tag;
    const id = tagId(tag.body);
    if (id === undefined)
      return { ok: false, status: tag.status, error: `Intercom answered POST /tags for "${name}" without a tag id`, permanent: false };
    result = await call(`${conversation}/tags`, 'POST', { id, admin_id: credentials.adminId });
    if (!result.ok) return result;
  }
  return result;
}

function tagId(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}
