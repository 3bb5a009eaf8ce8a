import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from './quiet-hours.js';

const night = { start: '21:00', end: '08:00' };

describe('quietHoursEnd', () => {
  it('delays a late-evening send to 08:00 the next morning, across the spring-forward night', () => {
    // 23:00 CET on 28 March 2026; clocks go to CEST at 02:00 that night, so 08:00 is 06:00 UTC.
    expect(quietHoursEnd(new Date('2026-03-28T22:00:00Z'), night, 'Europe/Berlin')?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
    // In winter 08:00 is 07:00 UTC.
    expect(quietHoursEnd(new Date('2026-01-10T22:00:00Z'), night, 'Europe/Berlin')?.toISOString()).toBe('2026-01-11T07:00:00.000Z');
  });
  it('delays an early-morning send to 08:00 the same day', () => {
    expect(quietHoursEnd(new Date('2026-07-01T03:00:00Z'), night, 'America/New_York')?.toISOString()).toBe('2026-07-01T12:00:00.000Z');
  });
  it('lets a daytime send go at once, and reads a window that does not span midnight', () => {
    expect(quietHoursEnd(new Date('2026-07-01T12:00:00Z'), night, 'Europe/Berlin')).toBeUndefined();
    const lunch = { start: '12:00', end: '13:30' };
    expect(quietHoursEnd(new Date('2026-07-01T10:15:00Z'), lunch, 'Europe/Berlin')?.toISOString()).toBe('2026-07-01T11:30:00.000Z');
    expect(quietHoursEnd(new Date('2026-07-01T11:30:00Z'), lunch, 'Europe/Berlin')).toBeUndefined();
  });
});
