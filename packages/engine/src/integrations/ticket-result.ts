import type { TicketOutcome } from '../support/index.js';
import type { WebhookResult } from './webhook-provider.js';

export function ticketResult(outcome: TicketOutcome): WebhookResult {
  if (outcome.kind === 'duplicate-delivery') return { status: 'duplicate' };
  if (outcome.kind === 'not-found') return { status: 'ignored', detail: 'no such ticket' };
  return outcome.applied ? { status: 'stored', detail: outcome.ticket.id } : { status: 'ignored', detail: 'older than the stored ticket' };
}
