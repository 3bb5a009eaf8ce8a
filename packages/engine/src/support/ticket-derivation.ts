import { businessMinutesBetween, isOpenStatus, type BusinessHours, type TicketStatus } from '@strata/core';
import type { TicketMessageRow, TicketUpdate } from '@strata/storage';

/** What a status change does to the solved time and the reopen count. */
export function statusTransition(
  previous: { status: string | null; solved_at: Date | null; reopen_count: number },
  next: TicketStatus,
  at: Date,
): { status: TicketStatus; solved_at: Date | null; reopen_count: number; is_open: boolean } {
  const wasOpen = previous.status === null || isOpenStatus(previous.status as TicketStatus);
  const open = isOpenStatus(next);
  if (open) {
    // Solved or closed, then open again: the customer came back.
    const reopened = !wasOpen;
    return { status: next, solved_at: null, reopen_count: previous.reopen_count + (reopened ? 1 : 0), is_open: true };
  }
  return { status: next, solved_at: wasOpen ? at : (previous.solved_at ?? at), reopen_count: previous.reopen_count, is_open: false };
}

const minutes = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 600) / 100);

/**
 * Everything a ticket rolls up from its messages and times: the customer's latest and worst
 * sentiment, the language they write in, first response (the first public agent message unless
 * the help desk said when) and resolution, in calendar minutes and in business minutes.
 */
export function deriveTicket(
  ticket: { created_at: Date; solved_at: Date | null; first_response_at: Date | null },
  messages: readonly TicketMessageRow[],
  hours: BusinessHours,
  firstResponseFromDesk: Date | null,
): TicketUpdate {
  const customer = messages.filter((m) => m.author === 'customer').sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  const scored = customer.filter((m) => m.sentiment !== null);
  const latest = scored.at(-1);
  const worst = scored.reduce<TicketMessageRow | undefined>((w, m) => (w === undefined || m.sentiment! < w.sentiment! ? m : w), undefined);
  const language = customer.filter((m) => m.language !== null).at(-1)?.language ?? null;
  const firstAgentReply = messages
    .filter((m) => m.author === 'agent' && m.public && m.created_at.getTime() >= ticket.created_at.getTime())
    .reduce<Date | null>((first, m) => (first === null || m.created_at < first ? m.created_at : first), null);
  const firstResponseAt = firstResponseFromDesk ?? ticket.first_response_at ?? firstAgentReply;
  return {
    sentiment: latest?.sentiment ?? null,
    sentiment_label: latest?.sentiment_label ?? null,
    worst_sentiment: worst?.sentiment ?? null,
    worst_sentiment_label: worst?.sentiment_label ?? null,
    language,
    first_response_at: firstResponseAt,
    first_response_minutes: firstResponseAt ? minutes(ticket.created_at, firstResponseAt) : null,
    first_response_business_minutes: firstResponseAt ? businessMinutesBetween(ticket.created_at, firstResponseAt, hours) : null,
    resolution_minutes: ticket.solved_at ? minutes(ticket.created_at, ticket.solved_at) : null,
    resolution_business_minutes: ticket.solved_at ? businessMinutesBetween(ticket.created_at, ticket.solved_at, hours) : null,
  };
}
