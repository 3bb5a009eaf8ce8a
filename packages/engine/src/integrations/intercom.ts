import { z } from 'zod';
import type { TicketChannel, TicketStatus } from '@strata/core';
import { writeTicket, type TicketMessageInput } from '../support/index.js';
import { header, hmac, sameDigest } from './signatures.js';
import { ticketResult } from './ticket-result.js';
import { invalid, type WebhookProvider } from './webhook-provider.js';

const id = z.union([z.string(), z.number()]).transform(String);
const seconds = z.number().transform((s) => new Date(s * 1000));
const author = z.object({ type: z.string(), email: z.string().nullish(), name: z.string().nullish() }).loose();

/** An Intercom notification about a conversation (`conversation.*` topics); Strata treats a conversation as a ticket. */
const schema = z.object({
  type: z.literal('notification_event'),
  id: id,
  topic: z.string(),
  created_at: seconds.optional(),
  data: z.object({
    item: z
      .object({
        type: z.string(),
        id: id,
        created_at: seconds,
        updated_at: seconds.nullish(),
        title: z.string().nullish(),
        state: z.string().nullish(),
        priority: z.string().nullish(),
        admin_assignee_id: id.nullish(),
        team_assignee_id: id.nullish(),
        source: z
          .object({
            type: z.string().nullish(),
            delivered_as: z.string().nullish(),
            subject: z.string().nullish(),
            body: z.string().nullish(),
            author: author.nullish(),
          })
          .nullish(),
        contacts: z.object({ contacts: z.array(z.object({ id: id.nullish(), external_id: z.string().nullish() }).loose()) }).nullish(),
        tags: z.object({ tags: z.array(z.object({ name: z.string() }).loose()) }).nullish(),
        conversation_rating: z.object({ rating: z.number().int().min(1).max(5).nullish(), remark: z.string().nullish() }).nullish(),
        statistics: z.object({ first_admin_reply_at: seconds.nullish() }).loose().nullish(),
        conversation_parts: z
          .object({
            conversation_parts: z.array(
              z
                .object({ id: id, part_type: z.string(), body: z.string().nullish(), created_at: seconds, author: author.nullish() })
                .loose(),
            ),
          })
          .nullish(),
      })
      .loose(),
  }),
});

const states: Record<string, TicketStatus> = { open: 'open', snoozed: 'pending', closed: 'solved' };

function channelOf(
  source: { type?: string | null | undefined; delivered_as?: string | null | undefined } | null | undefined,
): TicketChannel {
  const kind = `${source?.type ?? ''} ${source?.delivered_as ?? ''}`.toLowerCase();
  if (kind.includes('email')) return 'email';
  if (kind.includes('phone') || kind.includes('call')) return 'phone';
  if (['twitter', 'facebook', 'instagram', 'whatsapp'].some((s) => kind.includes(s))) return 'social';
  return 'chat';
}

const isCustomer = (type: string | undefined) => type === 'user' || type === 'lead' || type === 'contact';

/** Intercom signs the body with HMAC-SHA1 of the app's client secret: `X-Hub-Signature: sha1=<hex>`. */
export const intercom: WebhookProvider = {
  name: 'intercom',
  signs: true,
  verify(rawBody, headers, secret) {
    const signature = header(headers, 'x-hub-signature');
    if (!signature) return { ok: false, reason: 'missing-signature' };
    if (!signature.startsWith('sha1=')) return { ok: false, reason: 'malformed-signature' };
    return sameDigest(hmac('sha1', secret, rawBody), signature.slice(5), 'hex') ? { ok: true } : { ok: false, reason: 'bad-signature' };
  },
  async handle(scope, payload, _rawBody, suppressionKey) {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return invalid(parsed.error.issues);
    const { topic, data } = parsed.data;
    const item = data.item;
    if (item.type !== 'conversation' || !topic.startsWith('conversation'))
      return { status: 'ignored', detail: `${topic} is not about a conversation` };
    const messages: TicketMessageInput[] = [];
    if (item.source?.body)
      messages.push({
        externalId: 'source',
        author: isCustomer(item.source.author?.type) ? 'customer' : 'agent',
        body: item.source.body,
        createdAt: item.created_at,
      });
    for (const part of item.conversation_parts?.conversation_parts ?? []) {
      if (!part.body || (part.part_type !== 'comment' && part.part_type !== 'note' && part.part_type !== 'assignment')) continue;
      messages.push({
        externalId: part.id,
        author: isCustomer(part.author?.type) ? 'customer' : 'agent',
        public: part.part_type !== 'note',
        body: part.body,
        createdAt: part.created_at,
      });
    }
    const contact = item.contacts?.contacts[0];
    const author = item.source?.author;
    const outcome = await writeTicket(scope, {
      suppressionKey,
      source: 'intercom',
      externalId: item.id,
      requester: {
        userId: contact?.external_id || null,
        email: isCustomer(author?.type) ? (author?.email ?? null) : null,
        name: isCustomer(author?.type) ? (author?.name ?? null) : null,
        anonymousId: contact?.id ? `intercom:${contact.id}` : null,
      },
      subject: item.title ?? item.source?.subject ?? undefined,
      status: item.state ? states[item.state] : undefined,
      priority: item.priority === 'priority' ? 'high' : item.priority === 'not_priority' ? 'normal' : undefined,
      channel: channelOf(item.source),
      tags: item.tags ? item.tags.tags.map((t) => t.name) : undefined,
      group: item.team_assignee_id ?? undefined,
      assignee: item.admin_assignee_id ?? undefined,
      createdAt: item.created_at,
      updatedAt: item.updated_at ?? parsed.data.created_at ?? undefined,
      firstResponseAt: item.statistics?.first_admin_reply_at ?? undefined,
      csat: item.conversation_rating?.rating
        ? { score: item.conversation_rating.rating, comment: item.conversation_rating.remark ?? null }
        : undefined,
      messages,
      delivery: { provider: 'intercom', eventId: parsed.data.id },
    });
    return ticketResult(outcome);
  },
};
