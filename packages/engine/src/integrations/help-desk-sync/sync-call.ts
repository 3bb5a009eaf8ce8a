import type { TicketPriority } from '@strata/core';
import type { OutboundRequest } from '../../outbound/index.js';

/** What a support decision sets on a help desk's ticket. */
export interface HelpDeskUpdate {
  /** The help desk's own id of the ticket (Zendesk ticket, Freshdesk ticket, Intercom conversation). */
  externalTicketId: string;
  priority: TicketPriority;
  /** The help desk's id of the group (Zendesk, Freshdesk) or team (Intercom) to assign. */
  group?: string | undefined;
  /** Tags to add to the ticket. */
  tags?: string[] | undefined;
}

/** How a client reaches the network: through the outbound guard, any method. */
export type SendRequest = (
  request: OutboundRequest,
) => Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>;

/** The end of one sync: done, or why not and whether another attempt can help. */
export type SyncCallResult =
  | { ok: true; status: number; body: string }
  | {
      ok: false;
      /** The help desk's HTTP status, null when no answer came (refused address, timeout). */
      status: number | null;
      error: string;
      /** A 429's Retry-After, in seconds. */
      retryAfterSeconds?: number;
      /** A mistake another attempt will repeat (bad credentials, unknown ticket or group). */
      permanent: boolean;
    };

/** Seconds from a Retry-After header: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | string[] | undefined, now: Date): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * Sends one request and judges its answer: 2xx is done; 429 carries its Retry-After; other 4xx
 * but 408 are permanent (another attempt sends the same thing); 5xx, 408, 3xx and no answer are
 * worth another attempt. The error names the provider and status, and at most 200 characters of
 * the answer, which help desks fill with the reason ("RecordInvalid", "Invalid group_id").
 */
export async function sendSyncRequest(send: SendRequest, provider: string, request: OutboundRequest, now: Date): Promise<SyncCallResult> {
  let response: Awaited<ReturnType<SendRequest>>;
  try {
    response = await send(request);
  } catch (error) {
    return { ok: false, status: null, error: `${provider}: ${error instanceof Error ? error.message : String(error)}`, permanent: false };
  }
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, status, body: response.body };
  const detail = response.body.replace(/\s+/g, ' ').trim().slice(0, 200);
  const error = `${provider} answered ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}${detail ? `: ${detail}` : ''}`;
  if (status === 429) {
    const wait = retryAfterSeconds(response.headers['retry-after'], now);
    return { ok: false, status, error, permanent: false, ...(wait === undefined ? {} : { retryAfterSeconds: wait }) };
  }
  return { ok: false, status, error, permanent: status >= 400 && status < 500 && status !== 408 };
}
