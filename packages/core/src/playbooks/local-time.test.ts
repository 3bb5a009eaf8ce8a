import { describe, expect, it } from 'vitest';
import { nextLocalTime } from './local-time.js';

describe('nextLocalTime', () => {
  it('answers the same day when the time is still ahead, else the next day', () => {
    expect(nextLocalTime(new Date('2026-06-10T05:00:00Z'), '09:00', 'Europe/Berlin').toISOString()).toBe('2026-06-10T07:00:00.000Z');
    expect(nextLocalTime(new Date('2026-06-10T08:00:00Z'), '09:00', 'Europe/Berlin').toISOString()).toBe('2026-06-11T07:00:00.000Z');
  });

  it('follows the zone across a daylight-saving change', () => {
    // Berlin springs forward on 29 March 2026: 09:00 is 08:00Z on the 28th and 07:00Z on the 29th.
    expect(nextLocalTime(new Date('2026-03-28T10:00:00Z'), '09:00', 'Europe/Berlin').toISOString()).toBe('2026-03-29T07:00:00.000Z');
    // 02:30 does not exist that night: the clock is pushed over the gap.
    expect(nextLocalTime(new Date('2026-03-28T22:00:00Z'), '02:30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('reads the customer’s own zone', () => {
    expect(nextLocalTime(new Date('2026-01-15T12:00:00Z'), '09:00', 'America/New_York').toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(nextLocalTime(new Date('2026-01-15T12:00:00Z'), '09:00', 'Asia/Tokyo').toISOString()).toBe('2026-01-16T00:00:00.000Z');
  });
});
