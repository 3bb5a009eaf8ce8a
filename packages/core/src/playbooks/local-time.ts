import { DateTime } from 'luxon';

/**
 * The first instant at or after `from` when the clock in `zone` reads `hhmm` (24-hour `HH:MM`).
 * On the day a daylight-saving change skips that time (02:30 in a spring-forward night), the wall
 * clock is pushed forward over the gap, as luxon does: the run goes on at 03:30.
 *
 * @example nextLocalTime(new Date('2026-03-28T20:00:00Z'), '09:00', 'Europe/Berlin') // 2026-03-29T07:00:00Z (CEST)
 */
export function nextLocalTime(from: Date, hhmm: string, zone: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const start = DateTime.fromJSDate(from, { zone });
  for (let days = 0; days <= 2; days++) {
    const candidate = start.plus({ days }).set({ hour, minute, second: 0, millisecond: 0 });
    if (candidate.toMillis() >= from.getTime()) return candidate.toJSDate();
  }
  throw new Error(`no ${hhmm} in ${zone} within two days of ${from.toISOString()}`);
}
