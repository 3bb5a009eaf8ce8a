import type { FieldType } from '../ingestion/field-type.js';
import type { CalendarUnit, SourceName, TimeUnit } from './ast.js';
import type { OperandValue, OperatorName } from './registry.js';

/** Version of the stored IR; bump with a migration of stored rules when its shape changes. */
export const irVersion = 1;

/** Who a segment selects; segments are always of people or of accounts. */
export type Target = 'person' | 'account';

/** What a rule is about: a profile (segments), or a support ticket (support policies' `when`). */
export type RuleTarget = Target | 'ticket';

/** A checked segment rule: what is stored, compiled to SQL and evaluated in memory. */
export interface SegmentRule {
  version: typeof irVersion;
  target: Target;
  condition: Condition;
}

/**
 * A checked rule about one support ticket: its fields, `person.FIELD` and `account.FIELD` of its
 * requester and account, and `in segment` for either's membership. Stored by support policies.
 */
export interface TicketRule {
  version: typeof irVersion;
  target: 'ticket';
  condition: Condition;
}

/**
 * Where a field lives. `column` fields are Strata's own (first_seen_at); the rest are traits or
 * properties. In a ticket rule, `ticket-person` and `ticket-account` are its requester's and its
 * account's (`person.plan`, `account.plan`), so the IR prints back without knowing its target.
 */
/** `event-context` is a path into an event's `context` (`context.campaign.source` has the name `campaign.source`). */
export type FieldScope =
  'person' | 'account' | 'person-account' | 'event' | 'event-context' | 'ticket' | 'survey' | 'ticket-person' | 'ticket-account';

export interface FieldRef {
  kind: 'field';
  scope: FieldScope;
  name: string;
  type: FieldType;
  /** Set for built-in fields read from a column rather than from traits. */
  column?: string;
  /** Set for fields computed by a registered domain (`registerComputedField`), read through its registration. */
  computed?: true;
}

/** Rows an aggregate reads: the profile's events, people (of an account), tickets or surveys. */
export interface Source {
  from: SourceName;
  event?: string;
  field?: FieldRef;
  where?: Condition;
  window?: Window;
}

/** A time window relative to now; absent means all time. */
export type Window = RollingWindow | CalendarWindow;

/** `within last 30 days`: exact to the millisecond, both ends included. Stored without a `kind` (IR version 1). */
export interface RollingWindow {
  kind?: undefined;
  direction: 'last' | 'next';
  amount: number;
  unit: TimeUnit;
}

/** Whose timezone a calendar window's boundaries are in: the workspace's, or each profile's own. */
export type CalendarZone = 'workspace' | 'customer';

/**
 * `within this month`, `within last 2 calendar weeks in customer timezone`: whole calendar units,
 * start included, end excluded. `this` is the unit holding now (amount 1), `last N` the N units
 * before it, `next N` the N units after it.
 */
export interface CalendarWindow {
  kind: 'calendar';
  period: 'this' | 'last' | 'next';
  amount: number;
  unit: CalendarUnit;
  zone: CalendarZone;
}

export type WindowKind = 'rolling' | 'calendar';

/** A window's kind; rolling windows predate kinds and carry none. */
export const windowKind = (window: Window): WindowKind => (window.kind === 'calendar' ? 'calendar' : 'rolling');

export const aggregateNames = ['count', 'sum', 'avg', 'min', 'max', 'distinct', 'first', 'last', 'share', 'days'] as const;
export type AggregateName = (typeof aggregateNames)[number];

export interface Aggregate {
  kind: 'aggregate';
  fn: AggregateName;
  source: Source;
  type: FieldType;
}

export type Value = FieldRef | Aggregate;

export type Condition =
  | { kind: 'and'; conditions: Condition[] }
  | { kind: 'or'; conditions: Condition[] }
  | { kind: 'not'; condition: Condition }
  | { kind: 'predicate'; subject: Value; operator: OperatorName; operands: OperandValue[] }
  | { kind: 'did'; event: string; where?: Condition; window?: Window }
  | { kind: 'in-segment'; key: string }
  | { kind: 'quantified'; quantifier: 'any' | 'all' | 'none'; where: Condition };
