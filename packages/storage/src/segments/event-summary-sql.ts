import { sql, type RawBuilder } from 'kysely';
import {
  calendarShifts,
  shiftTime,
  windowKind,
  type CalendarUnit,
  type CalendarWindow,
  type RollingWindow,
  type Window,
} from '@strata/core';

type Expr = RawBuilder<unknown>;

/**
 * How far back an event summary keeps every event time (`event_summaries.times`): windows that
 * may start earlier read the events table. Long enough for "within last 365 days" and "this year".
 */
export const summaryHorizonDays = 400;

const dayMs = 86_400_000;
/** The most days a calendar unit spans, for the earliest a calendar window can start. */
const longestUnitDays: Record<CalendarUnit, number> = { weeks: 7, months: 31, quarters: 92, years: 366 };

/** A window as SQL bounds, both included, and the earliest instant it can start (for the horizon). */
export interface WindowBounds {
  lo: Expr;
  hi: Expr;
  earliestMs: number;
}

/**
 * `[lo, hi]` of a window for the summaries' functions; `calendar` gives its `[start, end)` in SQL
 * (the end made inclusive by a microsecond, the resolution of timestamptz).
 */
export function windowBounds(window: Window, nowMs: number, calendar: (window: CalendarWindow) => [Expr, Expr]): WindowBounds {
  if (windowKind(window) === 'calendar') {
    const w = window as CalendarWindow;
    const [start, end] = calendar(w);
    const [from] = calendarShifts(w);
    // A unit's start lies at most one unit before now's, and a timezone at most a day away.
    const earliestMs = nowMs + (Math.min(from, 0) - 1) * longestUnitDays[w.unit] * dayMs - dayMs;
    return { lo: start, hi: sql`${end} - interval '1 microsecond'`, earliestMs };
  }
  const w = window as RollingWindow;
  if (w.direction === 'last') {
    const lo = shiftTime(nowMs, w.amount, w.unit, -1);
    return { lo: instant(lo), hi: instant(nowMs), earliestMs: lo };
  }
  return { lo: instant(nowMs), hi: instant(shiftTime(nowMs, w.amount, w.unit, 1)), earliestMs: nowMs };
}

/** Do the summaries hold every event time a window starting at `earliestMs` needs? */
export function summariesCover(bounds: WindowBounds | undefined, nowMs: number): boolean {
  return bounds === undefined || bounds.earliestMs >= nowMs - summaryHorizonDays * dayMs;
}

/** The aggregates a summary answers for an event name with no `where` and no field. */
export type SummaryAggregate = 'count' | 'first' | 'last';

/**
 * One summary row's value of an aggregate, in a window or over all time. In a window it is decided
 * on the row's columns where they suffice (every event inside, or none), so the list of times
 * (often TOASTed, so a second read) is read only for rows with events on both sides of the window.
 */
export function summaryValue(fn: SummaryAggregate, row: string, bounds: WindowBounds | undefined): Expr {
  const column = (name: string) => sql.ref(`${row}.${name}`);
  if (!bounds) return column({ count: 'count', first: 'first_at', last: 'last_at' }[fn]);
  const { lo, hi } = bounds;
  const [first, last, times] = [column('first_at'), column('last_at'), column('times')];
  const outside = sql`${last} < ${lo} OR ${first} > ${hi}`;
  switch (fn) {
    case 'count':
      return sql`CASE WHEN ${outside} THEN 0 WHEN ${first} >= ${lo} AND ${last} <= ${hi} THEN ${column('count')} ELSE strata_count_times(${times}, ${lo}, ${hi}) END`;
    // Not outside, the first event is at most `hi` and the last at least `lo`.
    case 'first':
      return sql`CASE WHEN ${outside} THEN NULL WHEN ${first} >= ${lo} THEN ${first} ELSE strata_first_time(${times}, ${lo}, ${hi}) END`;
    case 'last':
      return sql`CASE WHEN ${outside} THEN NULL WHEN ${last} <= ${hi} THEN ${last} ELSE strata_last_time(${times}, ${lo}, ${hi}) END`;
  }
}

/** Whether a summary row has an event in the window, read from its columns where they suffice, as `summaryValue`. */
export function summaryHasEvent(row: string, bounds: WindowBounds): Expr {
  const column = (name: string) => sql.ref(`${row}.${name}`);
  const { lo, hi } = bounds;
  const [first, last] = [column('first_at'), column('last_at')];
  return sql`CASE WHEN ${last} < ${lo} OR ${first} > ${hi} THEN false WHEN ${first} >= ${lo} OR ${last} <= ${hi} THEN true ELSE strata_count_times(${column('times')}, ${lo}, ${hi}) > 0 END`;
}

function instant(ms: number): Expr {
  return sql`${new Date(ms).toISOString()}::timestamptz`;
}
