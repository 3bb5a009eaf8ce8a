import type { FieldType } from '../ingestion/field-type.js';
import type { CalendarUnit, TimeUnit } from './ast.js';
import { calendarBounds } from './calendar.js';
import { aggregateNames, type CalendarWindow, type CalendarZone } from './ir.js';
import { patternMatches } from './pattern.js';

/** A value an operator compares against, after checking. */
export type OperandValue =
  string | number | boolean | Array<string | number | boolean> | { amount: number; unit: TimeUnit } | CalendarWindow;

/** What follows an operator's words in the text. */
export type OperandShape = 'none' | 'one' | 'list' | 'two' | 'duration' | 'duration-range' | 'calendar';

/** The timezone of each calendar-window mode for the profile a condition is about (valid IANA names). */
export type Zones = Record<CalendarZone, string>;

/** One operator, declared once: its text, the types it takes, how it evaluates. SQL lives in storage's table keyed by the same names. */
export interface OperatorSpec {
  name: OperatorName;
  /** The words (or symbols) that introduce it, as written. */
  words: readonly string[];
  operands: OperandShape;
  /** Words after the operands (`ago`, `ignoring case`). */
  suffix?: readonly string[];
  /** A variant of the operator with the same words, chosen only by its suffix. */
  suffixOnly?: boolean;
  /** Subject types it applies to. */
  subjects: readonly FieldType[];
  doc: string;
  example: string;
  /**
   * Decides the predicate for a present subject value. Missing values (null, undefined, or of
   * another type than the field's) never reach here: they make every operator false except
   * `is not set`. `now` is the evaluation instant in milliseconds; `zones` are the timezones
   * calendar windows read for the profile at hand.
   */
  evaluate(subject: unknown, operands: readonly OperandValue[], now: number, zones: Zones): boolean;
}

export const operatorNames = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'between',
  'in',
  'not-in',
  'contains',
  'contains-ignoring-case',
  'starts-with',
  'starts-with-ignoring-case',
  'ends-with',
  'ends-with-ignoring-case',
  'matches',
  'is-set',
  'is-not-set',
  'before',
  'after',
  'within-last',
  'within-next',
  'more-than-ago',
  'between-ago',
  'within-calendar',
] as const;
export type OperatorName = (typeof operatorNames)[number];

const ordered: readonly FieldType[] = ['number', 'datetime'];
const scalar: readonly FieldType[] = ['string', 'number', 'boolean', 'datetime'];
const text: readonly FieldType[] = ['string'];
const time: readonly FieldType[] = ['datetime'];

/**
 * The longest duration of each unit a rule may use: 1000 years, so that a window shifted from any
 * instant of years 2000–8999 stays inside the years 1000–9999 that dates may have.
 */
export const maxDuration: Record<TimeUnit, number> = {
  minutes: 525_600_000,
  hours: 8_760_000,
  days: 365_000,
  weeks: 52_000,
  months: 12_000,
};

/** The most calendar units a window may span: 1000 years, as for durations. */
export const maxCalendarAmount: Record<CalendarUnit, number> = {
  weeks: 52_000,
  months: 12_000,
  quarters: 4_000,
  years: 1_000,
};

// The instants every date of a rule lies between (years 1000–9999, as isoTime reads them).
const earliestTime = Date.UTC(1000, 0, 1);
const latestTime = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Milliseconds of a duration before `now` (or after, for `next`); months are calendar months in UTC.
 * The checker refuses durations over `maxDuration`; a rule stored before that limit still gets an
 * instant (clamped to years 1000–9999, beyond every date a rule can hold), never NaN.
 */
export function shiftTime(now: number, amount: number, unit: TimeUnit, direction: -1 | 1): number {
  const shifted = unclampedShift(now, amount, unit, direction);
  if (Number.isNaN(shifted)) return direction < 0 ? earliestTime : latestTime;
  return Math.min(latestTime, Math.max(earliestTime, shifted));
}

function unclampedShift(now: number, amount: number, unit: TimeUnit, direction: -1 | 1): number {
  switch (unit) {
    case 'minutes':
      return now + direction * amount * 60_000;
    case 'hours':
      return now + direction * amount * 3_600_000;
    case 'days':
      return now + direction * amount * 86_400_000;
    case 'weeks':
      return now + direction * amount * 7 * 86_400_000;
    case 'months': {
      const date = new Date(now);
      const day = date.getUTCDate();
      date.setUTCDate(1);
      date.setUTCMonth(date.getUTCMonth() + direction * amount);
      // Clamp to the month's last day: one month before March 31 is the end of February.
      const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
      date.setUTCDate(Math.min(day, lastDay));
      return date.getTime();
    }
  }
}

/** Comparable form of a present value: datetimes as epoch milliseconds. */
export function comparable(value: unknown): number | string | boolean {
  if (typeof value === 'string') {
    const ms = isoTime(value);
    return ms ?? value;
  }
  return value as number | boolean;
}

const isoPattern =
  /^([1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?:[T ]((?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?)(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?$/;

/**
 * Epoch milliseconds of an ISO-8601 date or time, or undefined: the only date form rules read.
 * A date alone is midnight UTC; a time without an offset is UTC. The SQL function
 * `strata_timestamptz` reads exactly the same forms the same way.
 */
export function isoTime(value: string): number | undefined {
  const match = isoPattern.exec(value);
  if (!match) return undefined;
  const [, date, clock, zone] = match;
  const ms = Date.parse(`${date}T${clock ?? '00:00'}${zone ?? 'Z'}`);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; a date that is not in the calendar is not a date.
  return new Date(ms + offsetMs(zone)).toISOString().slice(0, 10) === date ? ms : undefined;
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
}

const operandText = (operand: OperandValue | undefined) => (typeof operand === 'string' ? operand : JSON.stringify(operand));
const duration = (operand: OperandValue | undefined) => operand as { amount: number; unit: TimeUnit };
const asTime = (value: unknown) => (typeof value === 'string' ? isoTime(value) : undefined);
/** Case folding of A-Z only: the one folding that SQL does identically under every collation. */
export const foldCase = (value: unknown) => String(value).replace(/[A-Z]/g, (c) => c.toLowerCase());
const lower = foldCase;

/** Every operator of the rule language. */
export const operatorSpecs: readonly OperatorSpec[] = [
  {
    name: 'eq',
    words: ['='],
    operands: 'one',
    subjects: scalar,
    doc: 'equals',
    example: 'plan = "pro"',
    evaluate: (v, [o]) => comparable(v) === comparable(o),
  },
  {
    name: 'neq',
    words: ['!='],
    operands: 'one',
    subjects: scalar,
    doc: 'differs from (a missing value is neither equal nor different: use `is not set`)',
    example: 'plan != "free"',
    evaluate: (v, [o]) => comparable(v) !== comparable(o),
  },
  {
    name: 'lt',
    words: ['<'],
    operands: 'one',
    subjects: ordered,
    doc: 'less than',
    example: 'seats < 5',
    evaluate: (v, [o]) => comparable(v) < comparable(o),
  },
  {
    name: 'lte',
    words: ['<='],
    operands: 'one',
    subjects: ordered,
    doc: 'at most',
    example: 'last(surveys.nps) <= 6',
    evaluate: (v, [o]) => comparable(v) <= comparable(o),
  },
  {
    name: 'gt',
    words: ['>'],
    operands: 'one',
    subjects: ordered,
    doc: 'greater than',
    example: 'mrr > 1000',
    evaluate: (v, [o]) => comparable(v) > comparable(o),
  },
  {
    name: 'gte',
    words: ['>='],
    operands: 'one',
    subjects: ordered,
    doc: 'at least',
    example: 'mrr >= 1000',
    evaluate: (v, [o]) => comparable(v) >= comparable(o),
  },
  {
    name: 'between',
    words: ['between'],
    operands: 'two',
    subjects: ordered,
    doc: 'within an inclusive range',
    example: 'seats between 10 and 50',
    evaluate: (v, [a, b]) => comparable(v) >= comparable(a) && comparable(v) <= comparable(b),
  },
  {
    name: 'in',
    words: ['in'],
    operands: 'list',
    subjects: ['string', 'number'],
    doc: 'equals one of a list',
    example: 'plan in ["pro", "enterprise"]',
    evaluate: (v, [list]) => (list as unknown[]).some((o) => o === v),
  },
  {
    name: 'not-in',
    words: ['not', 'in'],
    operands: 'list',
    subjects: ['string', 'number'],
    doc: 'equals none of a list (false when missing)',
    example: 'country not in ["US", "CA"]',
    evaluate: (v, [list]) => !(list as unknown[]).some((o) => o === v),
  },
  {
    name: 'contains',
    words: ['contains'],
    operands: 'one',
    subjects: text,
    doc: 'contains text',
    example: 'email contains "@acme"',
    evaluate: (v, [o]) => String(v).includes(operandText(o)),
  },
  {
    name: 'contains-ignoring-case',
    words: ['contains'],
    operands: 'one',
    suffix: ['ignoring', 'case'],
    suffixOnly: true,
    subjects: text,
    doc: 'contains text, ignoring case',
    example: 'name contains "acme" ignoring case',
    evaluate: (v, [o]) => lower(v).includes(lower(o)),
  },
  {
    name: 'starts-with',
    words: ['starts', 'with'],
    operands: 'one',
    subjects: text,
    doc: 'starts with text',
    example: 'email starts with "admin@"',
    evaluate: (v, [o]) => String(v).startsWith(operandText(o)),
  },
  {
    name: 'starts-with-ignoring-case',
    words: ['starts', 'with'],
    operands: 'one',
    suffix: ['ignoring', 'case'],
    suffixOnly: true,
    subjects: text,
    doc: 'starts with text, ignoring case',
    example: 'name starts with "acme" ignoring case',
    evaluate: (v, [o]) => lower(v).startsWith(lower(o)),
  },
  {
    name: 'ends-with',
    words: ['ends', 'with'],
    operands: 'one',
    subjects: text,
    doc: 'ends with text',
    example: 'email ends with "@acme.com"',
    evaluate: (v, [o]) => String(v).endsWith(operandText(o)),
  },
  {
    name: 'ends-with-ignoring-case',
    words: ['ends', 'with'],
    operands: 'one',
    suffix: ['ignoring', 'case'],
    suffixOnly: true,
    subjects: text,
    doc: 'ends with text, ignoring case',
    example: 'email ends with "@ACME.com" ignoring case',
    evaluate: (v, [o]) => lower(v).endsWith(lower(o)),
  },
  {
    name: 'matches',
    words: ['matches'],
    operands: 'one',
    subjects: text,
    doc: 'matches a pattern of the dialect below (at most 200 characters, no nested repetition), decided the same way in SQL and in memory',
    example: 'email matches "^[a-z]+@acme\\\\.com$"',
    evaluate: (v, [o]) => patternMatches(operandText(o), String(v)),
  },
  {
    name: 'is-set',
    words: ['is', 'set'],
    operands: 'none',
    subjects: [...scalar, 'array', 'object'],
    doc: 'has a value',
    example: 'phone is set',
    evaluate: () => true,
  },
  {
    name: 'is-not-set',
    words: ['is', 'not', 'set'],
    operands: 'none',
    subjects: [...scalar, 'array', 'object'],
    doc: 'has no value',
    example: 'phone is not set',
    evaluate: () => false,
  },
  {
    name: 'before',
    words: ['before'],
    operands: 'one',
    subjects: time,
    doc: 'strictly before a date',
    example: 'signed_up_at before "2026-01-01"',
    evaluate: (v, [o]) => (asTime(v) ?? Infinity) < (asTime(o) ?? -Infinity),
  },
  {
    name: 'after',
    words: ['after'],
    operands: 'one',
    subjects: time,
    doc: 'strictly after a date',
    example: 'signed_up_at after "2026-01-01"',
    evaluate: (v, [o]) => (asTime(v) ?? -Infinity) > (asTime(o) ?? Infinity),
  },
  {
    name: 'within-last',
    words: ['within', 'last'],
    operands: 'duration',
    subjects: time,
    doc: 'in the window from that long ago up to now, both ends included',
    example: 'signed_up_at within last 14 days',
    evaluate: (v, [d], now) => {
      const t = asTime(v)!;
      return t >= shiftTime(now, duration(d).amount, duration(d).unit, -1) && t <= now;
    },
  },
  {
    name: 'within-next',
    words: ['within', 'next'],
    operands: 'duration',
    subjects: time,
    doc: 'in the window from now up to that far ahead, both ends included',
    example: 'trial_ends_at within next 3 days',
    evaluate: (v, [d], now) => {
      const t = asTime(v)!;
      return t >= now && t <= shiftTime(now, duration(d).amount, duration(d).unit, 1);
    },
  },
  {
    name: 'more-than-ago',
    words: ['more', 'than'],
    operands: 'duration',
    suffix: ['ago'],
    subjects: time,
    doc: 'strictly earlier than that long ago',
    example: 'last(events "login") more than 14 days ago',
    evaluate: (v, [d], now) => asTime(v)! < shiftTime(now, duration(d).amount, duration(d).unit, -1),
  },
  {
    name: 'between-ago',
    words: ['between'],
    operands: 'duration-range',
    suffix: ['ago'],
    subjects: time,
    doc: 'between two durations ago, both ends included',
    example: 'signed_up_at between 7 and 30 days ago',
    evaluate: (v, [a, b], now) => {
      const t = asTime(v)!;
      return t <= shiftTime(now, duration(a).amount, duration(a).unit, -1) && t >= shiftTime(now, duration(b).amount, duration(b).unit, -1);
    },
  },
  {
    name: 'within-calendar',
    words: ['within'],
    operands: 'calendar',
    subjects: time,
    doc: "in whole calendar units, start included and end excluded: `this week|month|quarter|year` (future dates in it too), `last N calendar months` (the N before the current one), `next N calendar weeks`; in the workspace timezone, or the profile's own with `in customer timezone`",
    example: 'trial_ends_at within this month in customer timezone',
    evaluate: (v, [w], now, zones) => {
      const window = w as CalendarWindow;
      const [start, end] = calendarBounds(now, window, zones[window.zone]);
      const t = asTime(v)!;
      return t >= start && t < end;
    },
  },
];

/** Operators by name; typed so that a new name without a spec fails to compile. */
export const operators = Object.fromEntries(operatorSpecs.map((s) => [s.name, s])) as Record<OperatorName, OperatorSpec>;

/** Functions over a source, as the parser knows them (declared in aggregates.ts). */
export const aggregateFunctions: readonly string[] = aggregateNames;
