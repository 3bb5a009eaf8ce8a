import {
  correctLatestCustomerSentiment,
  enqueueSegmentWork,
  inWorkspaceTransaction,
  listTicketMessages,
  lockTicket,
  updateTicket,
  type TicketRef,
  type WorkspaceScope,
} from '@strata/storage';
import { WorkCollector } from '../../segments/index.js';
import { loadBusinessHours } from '../business-hours-setting.js';
import { deriveTicket } from '../ticket-derivation.js';
import type { SentimentLabel } from './text-analyser.js';

export type SentimentCorrection = { kind: 'corrected'; ticketId: string } | { kind: 'not-found' } | { kind: 'no-customer-message' };

/**
 * An agent's correction of a ticket's sentiment: it replaces the label of the customer message
 * the ticket's sentiment comes from, the ticket's sentiment follows, segments on it are
 * re-evaluated, and the message becomes a training label for the workspace's model.
 */
export async function correctTicketSentiment(scope: WorkspaceScope, ref: TicketRef, label: SentimentLabel): Promise<SentimentCorrection> {
  const hours = await loadBusinessHours(scope);
  return inWorkspaceTransaction(scope, async (tx): Promise<SentimentCorrection> => {
    const ticket = await lockTicket(tx, ref);
    if (!ticket) return { kind: 'not-found' };
    if (!(await correctLatestCustomerSentiment(tx, ticket.ticket_id, label))) return { kind: 'no-customer-message' };
    const row = await updateTicket(tx, ticket.ticket_id, deriveTicket(ticket, await listTicketMessages(tx, ticket.ticket_id), hours, null));
    const work = new WorkCollector();
    if (row.person_id) work.add('person', row.person_id, ['tickets'], { kind: 'support' });
    if (row.account_id) work.add('account', row.account_id, ['tickets'], { kind: 'support' });
    await enqueueSegmentWork(tx, work.work());
    return { kind: 'corrected', ticketId: ticket.ticket_id };
  });
}
