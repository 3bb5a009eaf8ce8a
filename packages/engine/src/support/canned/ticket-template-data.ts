import type { TicketCustomer, TicketRow } from '@strata/storage';

/**
 * Channels whose replies go out as HTML, so a rendered response escapes every value: e-mail and
 * the web form (help-centre replies are e-mailed). Chat, phone and social replies are plain text.
 */
export const htmlChannels: ReadonlySet<string> = new Set(['email', 'web']);

/** Whether a response for this ticket renders with HTML escaping. */
export function repliesInHtml(ticket: Pick<TicketRow, 'channel'>): boolean {
  return ticket.channel !== null && htmlChannels.has(ticket.channel);
}

/**
 * What a canned response's template sees: `ticket` fields, and `person` and `account` with
 * their traits flattened beside their ids (`{{ person.name }}`, `{{ account.plan }}`). A trait
 * never hides an id: the ids are written last.
 */
export function ticketTemplateData(ticket: TicketRow, customer: TicketCustomer): Record<string, unknown> {
  return {
    ticket: {
      id: ticket.ticket_id,
      externalId: ticket.external_id,
      subject: ticket.subject,
      priority: ticket.priority,
      status: ticket.status,
      channel: ticket.channel,
      language: ticket.language,
      tags: ticket.tags,
      group: ticket.group_name,
      assignee: ticket.assignee,
      source: ticket.source,
      createdAt: ticket.created_at.toISOString(),
    },
    ...customerTemplateData(customer),
  };
}

/** `person` and `account` alone, for a preview that has no ticket (`{{ ticket.… }}` renders empty). */
export function customerTemplateData(customer: TicketCustomer): { person: Record<string, unknown>; account: Record<string, unknown> } {
  return {
    person: customer.person ? { ...customer.person.traits, userId: customer.person.userId } : {},
    account: customer.account ? { ...customer.account.traits, groupId: customer.account.groupId } : {},
  };
}
