import { describe, expect, it } from 'vitest';
import { businessHoursSchema, businessMinutesBetween, defaultBusinessHours } from './business-hours.js';

const berlin = defaultBusinessHours('Europe/Berlin');

describe('businessMinutesBetween', () => {
  it('counts only the overlap with working hours', () => {
    // Monday 2026-11-30 08:00 to 10:30 Berlin (UTC+1): 90 working minutes.
    expect(businessMinutesBetween(new Date('2026-11-30T07:00:00Z'), new Date('2026-11-30T09:30:00Z'), berlin)).toBe(90);
  });

  it('skips the weekend: Friday 16:00 to Monday 10:00 is two hours', () => {
    expect(businessMinutesBetween(new Date('2026-11-27T15:00:00Z'), new Date('2026-11-30T09:00:00Z'), berlin)).toBe(120);
  });

  it('skips holidays', () => {
    const hours = { ...berlin, holidays: ['2026-12-25'] };
    // Thursday 24th 16:00 to Monday 28th 10:00: one hour on the 24th, one on the 28th.
    expect(businessMinutesBetween(new Date('2026-12-24T15:00:00Z'), new Date('2026-12-28T09:00:00Z'), hours)).toBe(120);
  });

  it('follows daylight saving: the working day stays 09:00-17:00 local', () => {
    const ny = defaultBusinessHours('America/New_York');
    // Monday 2026-03-09 (after the switch to UTC-4): 09:00 local is 13:00Z.
    expect(businessMinutesBetween(new Date('2026-03-09T12:00:00Z'), new Date('2026-03-09T14:00:00Z'), ny)).toBe(60);
  });

  it('is zero for an empty or reversed span', () => {
    const t = new Date('2026-11-30T10:00:00Z');
    expect(businessMinutesBetween(t, t, berlin)).toBe(0);
    expect(businessMinutesBetween(t, new Date(t.getTime() - 1000), berlin)).toBe(0);
  });
});

describe('businessHoursSchema', () => {
  it('fills defaults and names a bad field', () => {
    expect(businessHoursSchema.parse({})).toEqual({ workingDays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: [] });
    const bad = businessHoursSchema.safeParse({ timezone: 'Mars/Olympus', start: '18:00', end: '09:00' });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('timezone');
  });
});
