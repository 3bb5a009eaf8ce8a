import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * When a workspace's support team works: first-response and resolution times are also counted
 * in these hours, so a ticket filed on Friday evening and answered on Monday morning took
 * minutes of the team's time, not a weekend.
 */
export interface BusinessHours {
  /** IANA timezone the hours are in. */
  timezone: string;
  /** ISO weekdays worked: 1 is Monday, 7 is Sunday. */
  workingDays: number[];
  /** Local start and end of the working day, `HH:MM`, 24-hour; end after start. */
  start: string;
  end: string;
  /** Local dates (`YYYY-MM-DD`) not worked. */
  holidays: string[];
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM on a 24-hour clock, such as "09:00"');

/** The setting as the API accepts it; the timezone defaults to the workspace's. */
export const businessHoursSchema = z
  .object({
    timezone: z
      .string()
      .refine((tz) => DateTime.local().setZone(tz).isValid, 'must be an IANA timezone such as "Europe/Berlin"')
      .optional(),
    workingDays: z.array(z.number().int().min(1).max(7)).max(7).default([1, 2, 3, 4, 5]),
    start: clock.default('09:00'),
    end: clock.default('17:00'),
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD'))
      .max(1000)
      .default([]),
  })
  .refine((h) => minutesOfDay(h.end) > minutesOfDay(h.start), { message: 'end must be after start', path: ['end'] });

export type BusinessHoursInput = z.input<typeof businessHoursSchema>;

export function defaultBusinessHours(timezone: string): BusinessHours {
  return { timezone, workingDays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: [] };
}

/** A workspace's hours from its setting (null: the defaults), in its own timezone unless the setting names one. */
export function workspaceBusinessHours(
  timezone: string,
  setting: (Omit<BusinessHours, 'timezone'> & { timezone?: string | undefined }) | null,
): BusinessHours {
  if (!setting) return defaultBusinessHours(timezone);
  return { ...setting, timezone: setting.timezone ?? timezone };
}

function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Longest span counted day by day; beyond it the answer is extrapolated by whole weeks. */
const maxDays = 3 * 366;

/**
 * Working minutes between two instants: for each local day of the span that is a working day
 * and not a holiday, the overlap of the span with that day's working hours. Daylight-saving
 * days are handled by computing each day's bounds in the timezone.
 */
export function businessMinutesBetween(from: Date, to: Date, hours: BusinessHours): number {
  if (to.getTime() <= from.getTime()) return 0;
  const holidays = new Set(hours.holidays);
  const workingDays = new Set(hours.workingDays);
  const start = minutesOfDay(hours.start);
  const end = minutesOfDay(hours.end);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  let day = DateTime.fromMillis(fromMs, { zone: hours.timezone }).startOf('day');
  let total = 0;
  for (let i = 0; i <= maxDays && day.toMillis() < toMs; i++, day = day.plus({ days: 1 })) {
    if (!workingDays.has(day.weekday) || holidays.has(day.toISODate()!)) continue;
    const open = day.plus({ minutes: start }).toMillis();
    const close = day.plus({ minutes: end }).toMillis();
    const overlap = Math.min(close, toMs) - Math.max(open, fromMs);
    if (overlap > 0) total += overlap;
  }
  return Math.round(total / 600) / 100; // minutes, to two decimals
}

/**
 * The instant at which `minutes` working minutes have passed since `from` (the inverse of
 * `businessMinutesBetween`): an SLA target counted in business hours. Undefined when the hours
 * give no working time within three years (no working days, or every one a holiday).
 */
export function addBusinessMinutes(from: Date, minutes: number, hours: BusinessHours): Date | undefined {
  const holidays = new Set(hours.holidays);
  const workingDays = new Set(hours.workingDays);
  const start = minutesOfDay(hours.start);
  const end = minutesOfDay(hours.end);
  const fromMs = from.getTime();
  let left = minutes * 60_000;
  let day = DateTime.fromMillis(fromMs, { zone: hours.timezone }).startOf('day');
  for (let i = 0; i <= maxDays; i++, day = day.plus({ days: 1 })) {
    if (!workingDays.has(day.weekday) || holidays.has(day.toISODate()!)) continue;
    const open = Math.max(day.plus({ minutes: start }).toMillis(), fromMs);
    const close = day.plus({ minutes: end }).toMillis();
    if (close <= open) continue;
    if (close - open >= left) return new Date(open + left);
    left -= close - open;
  }
  return undefined;
}
