import { describe, expect, it } from 'vitest';
import { daysBetween, metricPeriods } from './periods.js';

describe('metric periods', () => {
  it('cuts days at local midnight, so a day holding a DST change is 23 hours long', () => {
    const [day] = metricPeriods('2026-03-29', '2026-03-29', 'day', 'Europe/Berlin');
    expect(day).toEqual({ at: '2026-03-29', start: new Date('2026-03-28T23:00:00Z'), end: new Date('2026-03-29T22:00:00Z') });
  });

  it('gives whole weeks from Monday and whole months holding the range', () => {
    expect(metricPeriods('2026-03-04', '2026-03-16', 'week', 'UTC').map((p) => p.at)).toEqual(['2026-03-02', '2026-03-09', '2026-03-16']);
    expect(metricPeriods('2026-01-31', '2026-02-01', 'month', 'UTC').map((p) => p.at)).toEqual(['2026-01-01', '2026-02-01']);
    expect(metricPeriods('2026-02-30', '2026-03-01', 'day', 'UTC')).toEqual([]);
  });

  it('lists the days of a range', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });
});
