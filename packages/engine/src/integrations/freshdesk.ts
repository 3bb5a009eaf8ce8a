import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TicketPriority, TicketStatus } from '@strata/core';
import { writeTicket } from '../support/index.js';
import { ticketResult } from './ticket-result.js';
import { invalid, type WebhookProvider } from './webhook-provider.js';

/**
 * The body a Freshdesk automation rule sends (the placeholders of docs/integrations.md, as in
 * the real bodies under shared/data). Freshdesk does not sign: the unguessable token in the
 * URL authenticates, and a redelivered body is recognised by its hash.
 */
const schema = z.object({
  freshdesk_webhook: z.object({
    ticket_id: z.union([z.string(), z.number()]).transform(String),
    ticket_subject: z.string().nullish(),
    ticket_description: z.string().nullish(),
    ticket_status: z.string().nullish(),
    ticket_priority: z.string().nullish(),
    ticket_source: z.string().nullish(),
    ticket_tags: z.string().nullish(),
    ticket_group_name: z.string().nullish(),
    ticket_agent_name: z.string().nullish(),
    ticket_created_at: z.string().nullish(),
    ticket_updated_at: z.string().nullish(),
    requester_name: z.string().nullish(),
    requester_email: z.string().nullish(),
    requester_external_id: z.string().nullish(),
    company_external_id: z.string().nullish(),
    triggered_event: z.string().nullish(),
  }),
});

const statuses: Record<string, TicketStatus> = {
  open: 'open',
  pending: 'pending',
  resolved: 'solved',
  closed: 'closed',
  'waiting on customer': 'pending',
  'waiting on third party': 'on-hold',
};
const priorities: Record<string, TicketPriority> = { low: 'low', medium: 'normal', high: 'high', urgent: 'urgent' };
const channels = {
  email: 'email',
  portal: 'web',
  phone: 'phone',
  chat: 'chat',
  'feedback widget': 'web',
  twitter: 'social',
  facebook: 'social',
} as const;

function date(text: string | null | undefined): Date | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export const freshdesk: WebhookProvider = {
  name: 'freshdesk',
  signs: false,
  verify: () => ({ ok: true }),
  async handle(scope, payload, rawBody, suppressionKey) {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return invalid(parsed.error.issues);
    const t = parsed.data.freshdesk_webhook;
    const status = t.ticket_status ? statuses[t.ticket_status.toLowerCase()] : undefined;
    const priority = t.ticket_priority ? priorities[t.ticket_priority.toLowerCase()] : undefined;
    const channel = t.ticket_source ? channels[t.ticket_source.toLowerCase() as keyof typeof channels] : undefined;
    const outcome = await writeTicket(scope, {
      suppressionKey,
      source: 'freshdesk',
      externalId: t.ticket_id,
      requester: {
        userId: t.requester_external_id || null,
        email: t.requester_email ?? null,
        name: t.requester_name ?? null,
        groupId: t.company_external_id || null,
      },
      subject: t.ticket_subject ?? undefined,
      description: t.ticket_description ?? undefined,
      status,
      priority,
      channel: channel ?? (t.requester_email ? 'email' : undefined),
      tags: t.ticket_tags
        ? t.ticket_tags
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
      group: t.ticket_group_name || undefined,
      assignee: t.ticket_agent_name || undefined,
      createdAt: date(t.ticket_created_at),
      updatedAt: date(t.ticket_updated_at),
      delivery: { provider: 'freshdesk', eventId: createHash('sha256').update(rawBody).digest('hex') },
    });
    return ticketResult(outcome);
  },
};
