import type { FieldType } from '../ingestion/field-type.js';
import { ownValue as own } from '../own-keys.js';
import { aggregates } from './aggregates.js';
import { calendarBounds, isValidTimezone } from './calendar.js';
import { computedField } from './computed-fields.js';
import {
  windowKind,
  type Aggregate,
  type CalendarWindow,
  type Condition,
  type FieldRef,
  type RollingWindow,
  type SegmentRule,
  type Value,
  type Window,
  type WindowKind,
} from './ir.js';
import { isoTime, operators, shiftTime, type Zones } from './registry.js';
import { rowValue, sources, type Row } from './sources.js';

/** One product event as the evaluator sees it. */
export interface EventRecord {
  messageId: string;
  name: string;
  /** Epoch milliseconds. */
  at: number;
  properties: Record<string, unknown>;
  /** The message's `context`; absent for events stored without one. */
  context?: Record<string, unknown> | undefined;
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
  /** The person's accounts in the order they joined them (`person_accounts.created_at`, then account id): the first is theirs for timezones. */
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

/** When a rule is decided: the instant in milliseconds, and the workspace's timezone (calendar windows). */
export interface Moment {
  now: number;
  timezone: string;
}

/**
 * Decides a rule for one loaded profile, in memory. It is the reference the SQL compiler is
 * tested against, so it follows the written semantics (CONTEXT.md) plainly, not quickly.
 * `timezone` is the workspace's: calendar windows (`within this month`) are aligned to it.
 */
export function evaluateRule(rule: SegmentRule, record: PersonRecord | AccountRecord, now: Date, timezone: string): boolean {
  const profile = { target: rule.target, record } as Profile;
  return evaluateCondition(rule.condition, profile, { now: now.getTime(), timezone });
}

/**
 * The timezones of a profile's calendar windows: the workspace's (UTC when not a valid name), and
 * the customer's own: the `timezone` trait, else (a person) that of their first account, else the
 * workspace's. A name that is not a valid timezone counts as missing, as in SQL (`strata_person_timezone`).
 */
export function zonesOf(profile: Profile, timezone: string): Zones {
  const workspace = isValidTimezone(timezone) ? timezone : 'UTC';
  const own = validZone(profile.record.traits);
  if (own) return { workspace, customer: own };
  const first = profile.target === 'person' ? profile.record.accounts[0] : undefined;
  return { workspace, customer: (first && validZone(first.traits)) ?? workspace };
}

function validZone(traits: Record<string, unknown>): string | undefined {
  const zone = own(traits, 'timezone');
  return isValidTimezone(zone) ? zone : undefined;
}

/** @internal shared with explain.ts */
export function evaluateCondition(condition: Condition, profile: Profile, at: Moment): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every((c) => evaluateCondition(c, profile, at));
    case 'or':
      return condition.conditions.some((c) => evaluateCondition(c, profile, at));
    case 'not':
      return !evaluateCondition(condition.condition, profile, at);
    case 'in-segment':
      return profile.record.segments.has(condition.key);
    case 'did': {
      const zones = zonesOf(profile, at.timezone);
      return profile.record.events.some(
        (e) =>
          e.name === condition.event &&
          inWindow(e.at, condition.window, at.now, zones) &&
          (!condition.where ||
            evaluateRow(condition.where, { id: e.messageId, at: e.at, fields: e.properties, context: e.context }, at.now, zones)),
      );
    }
    case 'quantified': {
      if (profile.target !== 'account') return false;
      const matches = profile.record.people.map((p) => evaluateCondition(condition.where, { target: 'person', record: p }, at));
      if (condition.quantifier === 'any') return matches.some(Boolean);
      if (condition.quantifier === 'none') return !matches.some(Boolean);
      return matches.length > 0 && matches.every(Boolean);
    }
    case 'predicate': {
      const zones = zonesOf(profile, at.timezone);
      if (condition.subject.kind === 'field' && condition.subject.scope === 'person-account' && profile.target === 'person') {
        // A condition on account.x holds when it holds for at least one of the person's accounts.
        const field = condition.subject;
        return profile.record.accounts.some((a) => decide(condition, fieldOf(field, a), field.type, at.now, zones));
      }
      return decide(condition, valueOf(condition.subject, profile, at), condition.subject.type, at.now, zones);
    }
  }
}

/** A condition inside `where` of events, tickets or surveys: fields are the row's own; timezones are the owner's. */
function evaluateRow(condition: Condition, row: Row, now: number, zones: Zones): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every((c) => evaluateRow(c, row, now, zones));
    case 'or':
      return condition.conditions.some((c) => evaluateRow(c, row, now, zones));
    case 'not':
      return !evaluateRow(condition.condition, row, now, zones);
    case 'predicate':
      return condition.subject.kind === 'field' && decide(condition, rowValue(row, condition.subject), condition.subject.type, now, zones);
    case 'did':
    case 'in-segment':
    case 'quantified':
      return false; // the checker allows only field predicates in row conditions
  }
}

/** @internal shared with evaluate-ticket.ts: a predicate on one raw value, missing unless present and of its type. */
export function decide(
  condition: Extract<Condition, { kind: 'predicate' }>,
  raw: unknown,
  type: FieldType,
  now: number,
  zones: Zones,
): boolean {
  const value = present(raw, type);
  if (condition.operator === 'is-not-set') return value === undefined;
  if (value === undefined) return false;
  return operators[condition.operator].evaluate(value, condition.operands, now, zones);
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
export function valueOf(value: Value, profile: Profile, at: Moment): unknown {
  if (value.kind === 'field')
    return value.computed ? computedField(profile.target, value.name)?.read(profile.record, at.now) : fieldOf(value, profile.record);
  return aggregate(value, profile, at);
}

/** @internal shared with explain.ts */
export function fieldOf(field: FieldRef, record: { columns: Record<string, unknown>; traits: Record<string, unknown> }): unknown {
  // A computed field read through another profile (`account.health_score` from a person): its value as loaded.
  if (field.computed) return own(record.columns, field.name);
  return field.column ? own(record.columns, field.column) : own(record.traits, field.name);
}

/** Whether an instant is in a window, by the window's kind; keyed so that a new kind fails to compile until it evaluates. */
const windowTests: Record<WindowKind, (at: number, window: Window, now: number, zones: Zones) => boolean> = {
  rolling: (at, w, now) => {
    const window = w as RollingWindow;
    return window.direction === 'last'
      ? at >= shiftTime(now, window.amount, window.unit, -1) && at <= now
      : at >= now && at <= shiftTime(now, window.amount, window.unit, 1);
  },
  calendar: (at, w, now, zones) => {
    const window = w as CalendarWindow;
    const [start, end] = calendarBounds(now, window, zones[window.zone]);
    return at >= start && at < end;
  },
};

function inWindow(at: number, window: Window | undefined, now: number, zones: Zones): boolean {
  return !window || windowTests[windowKind(window)](at, window, now, zones);
}

function aggregate(value: Aggregate, profile: Profile, at: Moment): unknown {
  const { source } = value;
  const spec = sources[source.from];
  const fn = aggregates[value.fn];
  if (spec.rows === 'people') {
    if (profile.target !== 'account') return undefined;
    const people = profile.record.people;
    const matching = people
      .filter((p) => !source.where || evaluateCondition(source.where, { target: 'person', record: p }, at))
      .map((p): Row => ({ id: p.id, at: 0, fields: {} }));
    return fn.evaluate({ rows: matching, total: people.length, values: [], field: undefined });
  }
  const zones = zonesOf(profile, at.timezone);
  const rows = spec
    .rowsOf(profile.record, source)
    .filter((r) => inWindow(r.at, source.window, at.now, zones) && (!source.where || evaluateRow(source.where, r, at.now, zones)));
  const field = source.field;
  const values = field ? rows.map((r) => present(rowValue(r, field), field.type)).filter((v) => v !== undefined) : [];
  return fn.evaluate({ rows, total: rows.length, values, field });
}
