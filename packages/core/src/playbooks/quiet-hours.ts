import { DateTime } from 'luxon';
import type { QuietHours } from './playbook-model.js';
import { nextLocalTime } from './local-time.js';

const minuteOfDay = (hhmm: string) => {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return hour * 60 + minute;
};

/**
 * When quiet hours that hold at `at` end, in `zone`; undefined when they do not hold. A window
 * whose start is after its end spans midnight (21:00-08:00). The end follows daylight saving as
 * `nextLocalTime` does, so 08:00 in Europe/Berlin is 07:00 UTC in winter and 06:00 UTC in summer.
 *
 * @example quietHoursEnd(new Date('2026-03-28T22:00:00Z'), { start: '21:00', end: '08:00' }, 'Europe/Berlin') // 2026-03-29T06:00:00Z
 */
export function quietHoursEnd(at: Date, quiet: QuietHours, zone: string): Date | undefined {
  const local = DateTime.fromJSDate(at, { zone });
  const now = local.hour * 60 + local.minute;
  const start = minuteOfDay(quiet.start);
  const end = minuteOfDay(quiet.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  return inside ? nextLocalTime(at, quiet.end, zone) : undefined;
}
