import type { FieldType } from '../ingestion/field-type.js';
import { ownValue as own } from '../own-keys.js';
import type { Aggregate, Condition, FieldRef, SegmentRule, Source, Value, Window } from './ir.js';
import { isoTime, operators, shiftTime } from './registry.js';

/** One product event as the evaluator sees it. */
export interface EventRecord {
  messageId: string;
  name: string;
  /** Epoch milliseconds. */
  at: number;
  properties: Record<string, unknown>;
}

/** A ticket or a survey answer: its fields, with `id` to order ties. */
export interface SupportRecord {
  id: string;
  /** Epoch milliseconds of `created_at` (tickets) or `submitted_at` (surveys). */
  at: number;
  fields: Record<string, unknown>;
}

export interface PersonRecord {
  id: string;
  columns: Record<string, unknown>;
  traits: Record<string, unknown>;
  accounts: Array<{ columns: Record<string, unknown>; traits: Record<string, unknown> }>;
  events: EventRecord[];
  tickets: SupportRecord[];
  surveys: SupportRecord[];
  segments: ReadonlySet<string>;
}

export interface AccountRecord {
  id: string;
  columns: Record<string, unknown>;
  traits: Record<string, unknown>;
  people: PersonRecord[];
  /** Events recorded in the account's context. */
  events: EventRecord[];
  tickets: SupportRecord[];
  surveys: SupportRecord[];
  segments: ReadonlySet<string>;
}

export type Profile = { target: 'person'; record: PersonRecord } | { target: 'account'; record: AccountRecord };

/**
 * Decides a rule for one loaded profile, in memory. It is the reference the SQL compiler is
 * tested against, so it follows the written semantics (CONTEXT.md) plainly, not quickly.
 */
export function evaluateRule(rule: SegmentRule, record: PersonRecord | AccountRecord, now: Date): boolean {
  const profile = { target: rule.target, record } as Profile;
  return evaluateCondition(rule.condition, profile, now.getTime());
}

/** @internal shared with explain.ts */
export function evaluateCondition(condition: Condition, profile: Profile, now: number): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every((c) => evaluateCondition(c, profile, now));
    case 'or':
      return condition.conditions.some((c) => evaluateCondition(c, profile, now));
    case 'not':
      return !evaluateCondition(condition.condition, profile, now);
    case 'in-segment':
      return profile.record.segments.has(condition.key);
    case 'did':
      return profile.record.events.some(
        (e) =>
          e.name === condition.event &&
          inWindow(e.at, condition.window, now) &&
          (!condition.where || evaluateRow(condition.where, e.properties, now)),
      );
    case 'quantified': {
      if (profile.target !== 'account') return false;
      const matches = profile.record.people.map((p) => evaluateCondition(condition.where, { target: 'person', record: p }, now));
      if (condition.quantifier === 'any') return matches.some(Boolean);
      if (condition.quantifier === 'none') return !matches.some(Boolean);
      return matches.length > 0 && matches.every(Boolean);
    }
    case 'predicate': {
      if (condition.subject.kind === 'field' && condition.subject.scope === 'person-account' && profile.target === 'person') {
        // A condition on account.x holds when it holds for at least one of the person's accounts.
        const field = condition.subject;
        return profile.record.accounts.some((a) => decide(condition, fieldOf(field, a), field.type, now));
      }
      return decide(condition, valueOf(condition.subject, profile, now), condition.subject.type, now);
    }
  }
}

/** A condition inside `where` of events, tickets or surveys: fields are the row's own. */
function evaluateRow(condition: Condition, fields: Record<string, unknown>, now: number): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every((c) => evaluateRow(c, fields, now));
    case 'or':
      return condition.conditions.some((c) => evaluateRow(c, fields, now));
    case 'not':
      return !evaluateRow(condition.condition, fields, now);
    case 'predicate':
      return condition.subject.kind === 'field' && decide(condition, own(fields, condition.subject.name), condition.subject.type, now);
    case 'did':
    case 'in-segment':
    case 'quantified':
      return false; // the checker allows only field predicates in row conditions
  }
}

function decide(condition: Extract<Condition, { kind: 'predicate' }>, raw: unknown, type: FieldType, now: number): boolean {
  const value = present(raw, type);
  if (condition.operator === 'is-not-set') return value === undefined;
  if (value === undefined) return false;
  return operators[condition.operator].evaluate(value, condition.operands, now);
}

/** The value if it is present and of the field's type; anything else counts as missing. */
export function present(value: unknown, type: FieldType): unknown {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'datetime':
      if (value instanceof Date) return value.toISOString();
      if (typeof value === 'number') return new Date(value).toISOString();
      return typeof value === 'string' && isoTime(value) !== undefined ? value : undefined;
    case 'array':
      return Array.isArray(value) ? value : undefined;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  }
}

/** @internal shared with explain.ts */
export function valueOf(value: Value, profile: Profile, now: number): unknown {
  if (value.kind === 'field') return fieldOf(value, profile.record);
  return aggregate(value, profile, now);
}

/** @internal shared with explain.ts */
export function fieldOf(field: FieldRef, record: { columns: Record<string, unknown>; traits: Record<string, unknown> }): unknown {
  return field.column ? own(record.columns, field.column) : own(record.traits, field.name);
}

function inWindow(at: number, window: Window | undefined, now: number): boolean {
  if (!window) return true;
  if (window.direction === 'last') return at >= shiftTime(now, window.amount, window.unit, -1) && at <= now;
  return at >= now && at <= shiftTime(now, window.amount, window.unit, 1);
}

interface Row {
  id: string;
  at: number;
  fields: Record<string, unknown>;
}

function rowsOf(source: Source, profile: Profile, now: number): Row[] {
  let rows: Row[];
  if (source.from === 'events') {
    rows = profile.record.events
      .filter((e) => source.event === undefined || e.name === source.event)
      .map((e) => ({ id: e.messageId, at: e.at, fields: e.properties }));
  } else if (source.from === 'tickets') rows = profile.record.tickets;
  else if (source.from === 'surveys') rows = profile.record.surveys;
  else return [];
  return rows.filter((r) => inWindow(r.at, source.window, now) && (!source.where || evaluateRow(source.where, r.fields, now)));
}

function aggregate(value: Aggregate, profile: Profile, now: number): unknown {
  const { source } = value;
  if (source.from === 'people') {
    if (profile.target !== 'account') return undefined;
    const people = profile.record.people;
    const matching = people.filter((p) => !source.where || evaluateCondition(source.where, { target: 'person', record: p }, now)).length;
    if (value.fn === 'count') return matching;
    return people.length === 0 ? undefined : matching / people.length;
  }
  const rows = rowsOf(source, profile, now);
  const field = source.field;
  const values = field ? rows.map((r) => present(own(r.fields, field.name), field.type)).filter((v) => v !== undefined) : [];
  switch (value.fn) {
    case 'count':
      return rows.length;
    case 'days':
      return new Set(rows.map((r) => new Date(r.at).toISOString().slice(0, 10))).size;
    case 'distinct':
      return new Set(values.map((v) => JSON.stringify(v))).size;
    case 'sum':
      return (values as number[]).reduce((a, b) => a + b, 0);
    case 'avg':
      return values.length === 0 ? undefined : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
    case 'min':
    case 'max': {
      if (values.length === 0) return undefined;
      const keyed = values.map((v) => ({ v, k: field?.type === 'datetime' ? isoTime(v as string)! : (v as number) }));
      keyed.sort((a, b) => a.k - b.k);
      return (value.fn === 'min' ? keyed[0] : keyed.at(-1))!.v;
    }
    case 'first':
    case 'last': {
      // Rows are ordered by time, then id; without a field the answer is the time itself.
      const ordered = [...rows].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const row = value.fn === 'first' ? ordered[0] : ordered.at(-1);
      if (!row) return undefined;
      return field ? own(row.fields, field.name) : new Date(row.at).toISOString();
    }
    case 'share':
      return undefined;
  }
}
