import type { FieldType } from '../ingestion/field-type.js';
import type { FieldSchema } from './field-schema.js';

/** A field of a ticket as a ticket rule reads it: its type and the tickets column behind it. */
export interface TicketTargetField {
  type: FieldType;
  column: string;
}

/**
 * Names a ticket rule gives to columns that `tickets where ...` calls otherwise: policies read the
 * label of a ticket's sentiment (`sentiment = "negative"`), the help desk's group and its tags.
 */
const ticketTargetAliases: Record<string, TicketTargetField> = {
  sentiment: { type: 'string', column: 'sentiment_label' },
  group: { type: 'string', column: 'group_name' },
  tags: { type: 'array', column: 'tags' },
};

/**
 * The fields of a ticket rule (`target: 'ticket'`): the ticket fields `count(tickets where ...)`
 * reads, each from its own column, with the aliases above winning over a field of the same name.
 */
export function ticketTargetFields(schema: FieldSchema): Record<string, TicketTargetField> {
  const own = Object.fromEntries(Object.entries(schema.ticket).map(([name, type]) => [name, { type, column: name }]));
  return { ...own, ...ticketTargetAliases };
}

/** Why a ticket rule refuses what reads many rows: say it once, with the way around it. */
export const ticketRuleNeedsSegment =
  'a ticket rule reads one ticket, its requester and its account; put this in a segment of people or accounts and use in segment "KEY"';
