import { DateTime, IANAZone } from 'luxon';
import type { CalendarUnit } from './ast.js';
import type { CalendarWindow } from './ir.js';

const luxonUnit = { weeks: 'week', months: 'month', quarters: 'quarter', years: 'year' } as const satisfies Record<CalendarUnit, string>;

/**
 * Names ICU still accepts that the tz database (and so PostgreSQL) dropped or never had: Java's
 * three-letter ids and a few removed links. Refused here so both sides agree on what is a zone.
 */
const icuOnly = new Set(
  [
    'ACT',
    'AET',
    'AGT',
    'ART',
    'AST',
    'BET',
    'BST',
    'CAT',
    'CNT',
    'CST',
    'CTT',
    'EAT',
    'ECT',
    'IET',
    'IST',
    'JST',
    'MIT',
    'NET',
    'NST',
    'PLT',
    'PNT',
    'PRT',
    'PST',
    'SST',
    'VST',
    'US/Pacific-New',
    'Canada/East-Saskatchewan',
    'Factory',
  ].map((name) => name.toLowerCase()),
);

/**
 * Is this a timezone rules may use: a name of the tz database, in any case (`Europe/Berlin`,
 * `UTC`)? PostgreSQL decides the same by `strata_timezones` (migration 0008: its own zone names
 * less `Factory`), so the evaluator and SQL fall back on the same names. Offsets (`+02:00`) are not
 * timezones here.
 */
export function isValidTimezone(name: unknown): name is string {
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  const known = zoneValidity.get(name);
  if (known !== undefined) return known;
  const key = name.toLowerCase();
  const valid = !icuOnly.has(key) && !key.startsWith('systemv/') && IANAZone.isValidZone(name);
  // Names come from traits, so the memo is bounded: starting over costs one Intl lookup per name.
  if (zoneValidity.size >= maxRememberedZones) zoneValidity.clear();
  zoneValidity.set(name, valid);
  return valid;
}

/**
 * Whether names are valid zones, remembered: asking Intl costs about a tenth of a millisecond, and
 * the evaluator asks for every condition of every profile it decides.
 */
const zoneValidity = new Map<string, boolean>();
const maxRememberedZones = 2000;

/**
 * Epoch milliseconds of the start of the calendar unit `shift` units away from the one holding
 * `now`, in `zone`: weeks start on Monday; the arithmetic is on local dates, so a unit holding a
 * DST change is an hour shorter or longer. A local midnight that does not exist (a DST gap) is
 * read with the offset before the gap, and one that happens twice as the later, as PostgreSQL's
 * `AT TIME ZONE` reads them (`strata_calendar_start`). An invalid zone is UTC.
 */
export function calendarStart(now: number, unit: CalendarUnit, shift: number, zone: string): number {
  const local = DateTime.fromMillis(now, { zone: isValidTimezone(zone) ? zone : 'UTC' }).startOf(luxonUnit[unit]);
  return shift === 0 ? local.toMillis() : local.plus({ [unit]: shift }).toMillis();
}

/** The instants `[start, end)` a calendar window covers at `now` in `zone`. */
export function calendarBounds(now: number, window: CalendarWindow, zone: string): [number, number] {
  const [from, to] = calendarShifts(window);
  return [calendarStart(now, window.unit, from, zone), calendarStart(now, window.unit, to, zone)];
}

/** The window as units from the current one: `this` is [0, 1), `last N` [−N, 0), `next N` [1, N + 1). */
export function calendarShifts(window: CalendarWindow): [number, number] {
  switch (window.period) {
    case 'this':
      return [0, 1];
    case 'last':
      return [-window.amount, 0];
    case 'next':
      return [1, window.amount + 1];
  }
}

/** Did a boundary of `unit` pass in `zone` within `(from, to]`? Calendar windows change only then. */
export function calendarBoundaryPassed(unit: CalendarUnit, zone: string, from: number, to: number): boolean {
  return calendarStart(to, unit, 0, zone) > from;
}
