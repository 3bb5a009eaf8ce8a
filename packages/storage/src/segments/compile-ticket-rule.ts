import { sql, type RawBuilder } from 'kysely';
import type { Condition, FieldRef, Target, TicketRule } from '@strata/core';
import { alias, fieldValue, predicate, type Owner, type State } from './compile-rule.js';

type Bool = RawBuilder<boolean>;
type Expr = RawBuilder<unknown>;

/** What a compiled ticket rule depends on besides the IR: the tenant and the instant. */
export interface TicketCompileContext {
  workspaceId: string;
  now: Date;
}

/**
 * Compiles a ticket rule to a SQL condition over `tickets` aliased `ticketAlias`, deciding as
 * `evaluateTicketRule` does: the requester's and the account's fields are read by their ids on the
 * ticket (missing when it has none), and `in segment` holds when either is a member. Calendar
 * windows `in customer timezone` read the requester's zone (`strata_person_timezone`, which gives
 * the workspace's for no requester).
 */
export function compileTicketCondition(rule: TicketRule, context: TicketCompileContext, ticketAlias = 't'): Bool {
  const state: State = { ...context, aliases: 0 };
  const ticket = (column: string) => sql.ref(`${ticketAlias}.${column}`);
  const owner: Owner = { target: 'person', id: ticket('person_id') };
  const walk = (node: Condition): Bool => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return sql<boolean>`(${sql.join(node.conditions.map(walk), sql.raw(node.kind === 'and' ? ' AND ' : ' OR '))})`;
      case 'not':
        return sql<boolean>`(NOT ${walk(node.condition)})`;
      case 'in-segment': {
        const m = alias(state, 'tm');
        // Segment keys are unique across targets, so the key alone says whose membership counts.
        return sql<boolean>`EXISTS (SELECT 1 FROM segment_members ${sql.id(m)} WHERE ${sql.ref(`${m}.workspace_id`)} = ${state.workspaceId}
          AND ${sql.ref(`${m}.segment_key`)} = ${node.key} AND ${sql.ref(`${m}.member_id`)} IN (${ticket('person_id')}, ${ticket('account_id')}))`;
      }
      case 'predicate': {
        if (node.subject.kind !== 'field') throw new Error('invariant: ticket rules compare fields');
        return predicate(node.operator, ticketValue(node.subject, ticket, state), node.subject.type, node.operands, state, owner);
      }
      case 'did':
      case 'quantified':
        throw new Error(`invariant: ${node.kind} in a ticket rule`);
    }
  };
  return walk(rule.condition);
}

/** The owners of a ticket rule's profile fields: their table, id column and the ticket's column naming them. */
const owners: Record<'ticket-person' | 'ticket-account', { target: Target; table: string; id: string }> = {
  'ticket-person': { target: 'person', table: 'people', id: 'person_id' },
  'ticket-account': { target: 'account', table: 'accounts', id: 'account_id' },
};

/** A ticket's own column, or a field of its requester or account as a scalar subquery (NULL when it has none). */
function ticketValue(field: FieldRef, ticket: (column: string) => Expr, state: State): Expr {
  if (field.scope === 'ticket') return ticket(field.column ?? field.name);
  if (field.scope !== 'ticket-person' && field.scope !== 'ticket-account')
    throw new Error(`invariant: ${field.scope} field in a ticket rule`);
  const spec = owners[field.scope];
  const r = alias(state, 'to');
  const value = fieldValue({ ...field, scope: spec.target }, r, state.now);
  return sql`(SELECT ${value} FROM ${sql.table(spec.table)} ${sql.id(r)} WHERE ${sql.ref(`${r}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${r}.${spec.id}`)} = ${ticket(spec.id)})`;
}
