import { ownValue as own } from '../own-keys.js';
import { computedField } from './computed-fields.js';
import { decide, fieldOf, zonesOf, type AccountRecord, type PersonRecord } from './evaluate.js';
import type { Condition, FieldRef, TicketRule } from './ir.js';
import { isValidTimezone } from './calendar.js';
import type { Zones } from './registry.js';

/**
 * One ticket as a ticket rule reads it: its columns by name (`priority`, `sentiment_label`,
 * `tags`, `created_at`), and its requester and account when it has them, loaded as profiles.
 */
export interface TicketRecord {
  id: string;
  fields: Record<string, unknown>;
  person?: PersonRecord;
  account?: AccountRecord;
}

/**
 * Decides a ticket rule for one ticket, in memory: the reference the SQL of ticket rules is tested
 * against. `in segment` holds when the requester or the account is a member; a field of a
 * requester or account the ticket lacks is missing. Calendar windows `in customer timezone` read
 * the requester's zone (as a person rule would), else the workspace's.
 */
export function evaluateTicketRule(rule: TicketRule, ticket: TicketRecord, now: Date, timezone: string): boolean {
  const workspace = isValidTimezone(timezone) ? timezone : 'UTC';
  const zones: Zones = ticket.person ? zonesOf({ target: 'person', record: ticket.person }, timezone) : { workspace, customer: workspace };
  return evaluate(rule.condition, ticket, now.getTime(), zones);
}

function evaluate(condition: Condition, ticket: TicketRecord, now: number, zones: Zones): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every((c) => evaluate(c, ticket, now, zones));
    case 'or':
      return condition.conditions.some((c) => evaluate(c, ticket, now, zones));
    case 'not':
      return !evaluate(condition.condition, ticket, now, zones);
    case 'in-segment':
      return Boolean(ticket.person?.segments.has(condition.key) || ticket.account?.segments.has(condition.key));
    case 'predicate':
      if (condition.subject.kind !== 'field') return false; // the checker refuses aggregates in ticket rules
      return decide(condition, ticketValue(condition.subject, ticket, now), condition.subject.type, now, zones);
    case 'did':
    case 'quantified':
      return false; // the checker refuses these in ticket rules
  }
}

/** A field of the ticket, of its requester or of its account; undefined (missing) when it has none. */
function ticketValue(field: FieldRef, ticket: TicketRecord, now: number): unknown {
  if (field.scope === 'ticket') return own(ticket.fields, field.column ?? field.name);
  const owner =
    field.scope === 'ticket-person'
      ? { target: 'person' as const, record: ticket.person }
      : field.scope === 'ticket-account'
        ? { target: 'account' as const, record: ticket.account }
        : undefined; // the checker gives a ticket rule no other scope
  if (!owner?.record) return undefined;
  return field.computed ? computedField(owner.target, field.name)?.read(owner.record, now) : fieldOf(field, owner.record);
}
