import { DateTime } from 'luxon';
import { isValidTimezone } from '../segments/calendar.js';

/** How a series is bucketed: calendar days, weeks (starting Monday) or months of the workspace's time zone. */
export const metricIntervals = ['day', 'week', 'month'] as const;
export type MetricInterval = (typeof metricIntervals)[number];

/** One bucket of a series: its first day, and the instants `[start, end)` it covers. */
export interface MetricPeriod {
  /** The bucket's first calendar day, `YYYY-MM-DD`. */
  at: string;
  start: Date;
  end: Date;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar day `YYYY-MM-DD` as a local date in `zone`, or null when it is not a real date. */
export function parseCalendarDay(text: string, zone: string): DateTime | null {
  if (!dayPattern.test(text)) return null;
  const date = DateTime.fromISO(text, { zone: isValidTimezone(zone) ? zone : 'UTC' });
  return date.isValid ? date : null;
}

/** The calendar day of an instant in `zone`, `YYYY-MM-DD`. */
export function calendarDayOf(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone: isValidTimezone(zone) ? zone : 'UTC' }).toISODate()!;
}

/**
 * The buckets from the one holding day `from` to the one holding day `to`, oldest first (a week or
 * month is whole even when `from` falls inside it). Days are local midnights in `zone`, so a day
 * holding a DST change is 23 or 25 hours long.
 */
export function metricPeriods(from: string, to: string, interval: MetricInterval, zone: string): MetricPeriod[] {
  const first = parseCalendarDay(from, zone);
  const last = parseCalendarDay(to, zone);
  if (!first || !last) return [];
  const periods: MetricPeriod[] = [];
  for (let start = first.startOf(interval); start <= last; start = start.plus({ [`${interval}s`]: 1 })) {
    periods.push({ at: start.toISODate()!, start: start.toJSDate(), end: start.plus({ [`${interval}s`]: 1 }).toJSDate() });
  }
  return periods;
}

/** The calendar day `days` after `day` (before, when negative), `YYYY-MM-DD`. */
export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** The calendar days from `from` to `to`, inclusive, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}
