import {
  findCustomerByUserId,
  findTicket,
  findTicketCustomer,
  type TicketCustomer,
  type TicketRef,
  type TicketRow,
  type WorkspaceScope,
} from '@strata/storage';
import { CannedResponseInputError } from './canned-responses.js';
import { checkResponseTemplate, renderResponseTemplate, TemplateRenderError } from './response-template.js';
import { customerTemplateData, htmlChannels, repliesInHtml, ticketTemplateData } from './ticket-template-data.js';

/** A template rendered as an agent would see it, and whether it was HTML-escaped. */
export interface ResponsePreview {
  body: string;
  html: boolean;
}

/** Who the preview is for: a ticket (its customer and channel), or a person on a channel. */
export type PreviewTarget = { ticket: TicketRef } | { userId: string; channel: string };

/**
 * Renders a template for a chosen customer before it is saved. A person's preview has no ticket:
 * `{{ ticket.… }}` renders empty, and the channel given decides the escaping.
 */
export async function previewCannedResponse(scope: WorkspaceScope, body: string, target: PreviewTarget): Promise<ResponsePreview> {
  const problem = checkResponseTemplate(body);
  if (problem)
    throw new CannedResponseInputError([
      {
        field: 'body',
        message: `the template does not parse: ${problem.message}`,
        ...(problem.line === undefined ? {} : { line: problem.line }),
        ...(problem.column === undefined ? {} : { column: problem.column }),
      },
    ]);
  let ticket: TicketRow | undefined;
  let customer: TicketCustomer | undefined;
  if ('ticket' in target) {
    ticket = await findTicket(scope, target.ticket);
    if (!ticket) throw new CannedResponseInputError([{ field: 'ticketId', message: 'no such ticket in this workspace' }]);
    customer = await findTicketCustomer(scope, ticket.person_id, ticket.account_id);
  } else {
    customer = await findCustomerByUserId(scope, target.userId);
    if (!customer) throw new CannedResponseInputError([{ field: 'userId', message: `no person with userId ${target.userId}` }]);
  }
  const html = ticket ? repliesInHtml(ticket) : 'channel' in target ? htmlChannels.has(target.channel) : false;
  const data = ticket ? ticketTemplateData(ticket, customer) : customerTemplateData(customer);
  try {
    return { body: await renderResponseTemplate(body, data, { html }), html };
  } catch (error) {
    if (error instanceof TemplateRenderError) throw new CannedResponseInputError([{ field: 'body', message: error.message }]);
    throw error;
  }
}
