import type { Span } from './diagnostics.js';
import type { CalendarWindow } from './ir.js';

/** Time units of windows; months are calendar months. */
export const timeUnits = ['minutes', 'hours', 'days', 'weeks', 'months'] as const;
export type TimeUnit = (typeof timeUnits)[number];

/** Units of calendar windows (`within this month`); weeks start on Monday (ISO 8601). */
export const calendarUnits = ['weeks', 'months', 'quarters', 'years'] as const;
export type CalendarUnit = (typeof calendarUnits)[number];

/** Where aggregates read from. */
export const sourceNames = ['events', 'people', 'tickets', 'surveys'] as const;
export type SourceName = (typeof sourceNames)[number];

export type Literal =
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'boolean'; value: boolean; span: Span };

export type Operand =
  | Literal
  | { kind: 'list'; items: Literal[]; span: Span }
  | { kind: 'duration'; amount: number; unit: TimeUnit; span: Span }
  | { kind: 'calendar'; window: CalendarWindow; span: Span };

/** `within last 30 days`, `within this month`, `all time` on a source: which rows an aggregate counts. */
export type WindowNode =
  | { kind: 'rolling'; direction: 'last' | 'next'; amount: number; unit: TimeUnit; span: Span }
  | { kind: 'calendar'; window: CalendarWindow; span: Span }
  | { kind: 'all'; span: Span };

export interface SourceNode {
  kind: 'source';
  name: SourceName;
  nameSpan: Span;
  /** `events "login"`: the event name. */
  event?: { value: string; span: Span };
  /** `tickets.csat`: the field an aggregate reads. */
  field?: { name: string; span: Span };
  where?: ConditionNode;
  window?: WindowNode;
  span: Span;
}

export type ValueNode =
  { kind: 'field'; path: string[]; span: Span } | { kind: 'call'; fn: string; fnSpan: Span; source: SourceNode; span: Span };

export type ConditionNode =
  | { kind: 'and' | 'or'; items: ConditionNode[]; span: Span }
  | { kind: 'not'; item: ConditionNode; span: Span }
  | { kind: 'predicate'; subject: ValueNode; operator: string; operatorSpan: Span; operands: Operand[]; span: Span }
  | { kind: 'did'; event: { value: string; span: Span }; where?: ConditionNode; window?: WindowNode; span: Span }
  | { kind: 'in-segment'; key: { value: string; span: Span }; span: Span }
  | { kind: 'quantified'; quantifier: 'any' | 'all' | 'none'; quantifierSpan: Span; source: SourceNode; span: Span }
  | { kind: 'error'; span: Span };
