import { z } from 'zod';
import type { TicketChannel, TicketPriority, TicketStatus } from '@strata/core';
import { writeTicket, type TicketMessageInput } from '../support/index.js';
import { checkTimestamp, header, hmac, sameDigest } from './signatures.js';
import { ticketResult } from './ticket-result.js';
import { invalid, type WebhookProvider } from './webhook-provider.js';

const id = z.union([z.string(), z.number()]).transform(String);
const time = z.iso.datetime({ offset: true }).transform((t) => new Date(t));

/**
 * A Zendesk event-subscription webhook (`zen:event-type:ticket.*`). `detail` is the ticket as it
 * is after the event; `requester` (email, external_id, name) is optional, for trigger-built
 * bodies that carry it (see docs/integrations.md).
 */
const schema = z.object({
  id: id,
  type: z.string().startsWith('zen:event-type:'),
  time: time.optional(),
  detail: z.object({
    id: id,
    subject: z.string().nullish(),
    description: z.string().nullish(),
    status: z.string().nullish(),
    priority: z.string().nullish(),
    tags: z.array(z.string()).nullish(),
    group_id: id.nullish(),
    assignee_id: id.nullish(),
    requester_id: id.nullish(),
    organization_id: id.nullish(),
    created_at: time.nullish(),
    updated_at: time.nullish(),
    via: z.object({ channel: z.string().nullish() }).nullish(),
    requester: z.object({ email: z.string().nullish(), external_id: z.string().nullish(), name: z.string().nullish() }).nullish(),
    organization: z.object({ external_id: z.string().nullish() }).nullish(),
  }),
  event: z
    .object({
      comment: z
        .object({
          id: id,
          body: z.string(),
          is_public: z.boolean().default(true),
          author: z.object({ is_staff: z.boolean().default(false) }).nullish(),
        })
        .nullish(),
    })
    .loose()
    .nullish(),
});

const statuses: Record<string, TicketStatus> = {
  new: 'new',
  open: 'open',
  pending: 'pending',
  hold: 'on-hold',
  solved: 'solved',
  closed: 'closed',
};
const priorities: Record<string, TicketPriority> = { low: 'low', normal: 'normal', high: 'high', urgent: 'urgent' };

export function zendeskChannel(via: string | null | undefined): TicketChannel {
  const v = (via ?? '').toLowerCase();
  if (v === 'email' || v === 'mail') return 'email';
  if (v.includes('chat') || v.includes('messaging')) return 'chat';
  if (v.includes('voice') || v.includes('phone')) return 'phone';
  if (['twitter', 'facebook', 'instagram', 'whatsapp', 'line', 'wechat'].some((s) => v.includes(s))) return 'social';
  return 'web';
}

/** Zendesk signs `timestamp + body` with HMAC-SHA256, base64, in two headers. */
export const zendesk: WebhookProvider = {
  name: 'zendesk',
  signs: true,
  verify(rawBody, headers, secret, now) {
    const signature = header(headers, 'x-zendesk-webhook-signature');
    const timestamp = header(headers, 'x-zendesk-webhook-signature-timestamp');
    if (!signature || !timestamp) return { ok: false, reason: 'missing-signature' };
    const fresh = checkTimestamp(Date.parse(timestamp), now.getTime());
    if (!fresh.ok) return fresh;
    return sameDigest(hmac('sha256', secret, timestamp, rawBody), signature, 'base64')
      ? { ok: true }
      : { ok: false, reason: 'bad-signature' };
  },
  async handle(scope, payload, _rawBody, suppressionKey) {
    const now = scope.clock();
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return invalid(parsed.error.issues);
    const { detail, event } = parsed.data;
    if (!parsed.data.type.startsWith('zen:event-type:ticket.'))
      return { status: 'ignored', detail: `${parsed.data.type} is not a ticket event` };
    const messages: TicketMessageInput[] = [];
    if (event?.comment)
      messages.push({
        externalId: event.comment.id,
        author: event.comment.author?.is_staff ? 'agent' : 'customer',
        public: event.comment.is_public,
        body: event.comment.body,
        createdAt: parsed.data.time ?? now,
      });
    const status = detail.status ? statuses[detail.status.toLowerCase()] : undefined;
    const priority = detail.priority ? priorities[detail.priority.toLowerCase()] : undefined;
    const outcome = await writeTicket(scope, {
      suppressionKey,
      source: 'zendesk',
      externalId: detail.id,
      requester: {
        userId: detail.requester?.external_id || null,
        email: detail.requester?.email ?? null,
        name: detail.requester?.name ?? null,
        anonymousId: detail.requester_id ? `zendesk:${detail.requester_id}` : null,
        groupId: detail.organization?.external_id || null,
      },
      subject: detail.subject ?? undefined,
      description: detail.description ?? undefined,
      status,
      priority,
      channel: zendeskChannel(detail.via?.channel),
      tags: detail.tags ?? undefined,
      group: detail.group_id ?? undefined,
      assignee: detail.assignee_id ?? undefined,
      createdAt: detail.created_at ?? undefined,
      updatedAt: detail.updated_at ?? parsed.data.time ?? undefined,
      messages,
      delivery: { provider: 'zendesk', eventId: parsed.data.id },
    });
    return ticketResult(outcome);
  },
};
