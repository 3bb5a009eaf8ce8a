import { describe, expect, it } from 'vitest';
import { calendarBoundaryPassed, calendarBounds, isValidTimezone } from './calendar.js';
import { evaluateRule, type PersonRecord } from './evaluate.js';
import { baseFieldSchema } from './field-schema.js';
import type { CalendarWindow } from './ir.js';
import { printRule } from './print.js';
import { validateRule } from './validate-rule.js';

const window = (period: CalendarWindow['period'], unit: CalendarWindow['unit'], amount = 1): CalendarWindow => ({
  kind: 'calendar',
  period,
  amount,
  unit,
  zone: 'workspace',
});
const bounds = (now: string, w: CalendarWindow, zone: string) =>
  calendarBounds(Date.parse(now), w, zone).map((t) => new Date(t).toISOString());

describe('calendar window boundaries, against instants computed by hand', () => {
  it('"this month" in New York at 04:30Z on 1 March is still February there', () => {
    expect(bounds('2026-03-01T04:30:00Z', window('this', 'months'), 'America/New_York')).toEqual([
      '2026-02-01T05:00:00.000Z',
      '2026-03-01T05:00:00.000Z',
    ]);
  });

  it('a week holding the end of DST in Berlin is 169 hours, from Monday 00:00 CEST to Monday 00:00 CET', () => {
    expect(bounds('2026-10-25T22:30:00Z', window('this', 'weeks'), 'Europe/Berlin')).toEqual([
      '2026-10-18T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z',
    ]);
  });

  it('a month holding the start of DST in New York is an hour short', () => {
    expect(bounds('2026-03-20T12:00:00Z', window('this', 'months'), 'America/New_York')).toEqual([
      '2026-03-01T05:00:00.000Z',
      '2026-04-01T04:00:00.000Z',
    ]);
  });

  it('"last 2 calendar months" are the two whole months before the current one', () => {
    expect(bounds('2026-03-15T12:00:00Z', window('last', 'months', 2), 'UTC')).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
  });

  it('"next 1 calendar quarter" in Kolkata (+05:30) at 19:00Z on 31 March is already the third quarter', () => {
    expect(bounds('2026-03-31T19:00:00Z', window('next', 'quarters'), 'Asia/Kolkata')).toEqual([
      '2026-06-30T18:30:00.000Z',
      '2026-09-30T18:30:00.000Z',
    ]);
  });

  it('weeks start on Monday, years on 1 January; an unknown zone is UTC', () => {
    expect(bounds('2026-03-15T12:00:00Z', window('this', 'weeks'), 'Not/A_Zone')).toEqual([
      '2026-03-09T00:00:00.000Z',
      '2026-03-16T00:00:00.000Z',
    ]);
    expect(bounds('2026-12-31T23:30:00Z', window('this', 'years'), 'Europe/Berlin')).toEqual([
      '2026-12-31T23:00:00.000Z',
      '2027-12-31T23:00:00.000Z',
    ]);
  });

  it('a boundary passes at local midnight, not at UTC midnight', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(calendarBoundaryPassed('weeks', 'Europe/Berlin', at('2026-10-25T22:59:00Z'), at('2026-10-25T23:00:00Z'))).toBe(true);
    expect(calendarBoundaryPassed('weeks', 'Europe/Berlin', at('2026-10-25T23:00:00Z'), at('2026-10-26T00:30:00Z'))).toBe(false);
    expect(calendarBoundaryPassed('months', 'America/New_York', at('2026-03-01T04:00:00Z'), at('2026-03-01T04:59:59Z'))).toBe(false);
  });
});

describe('timezone names', () => {
  it('accepts tz database names in any case, and nothing else', () => {
    for (const name of ['UTC', 'Europe/Berlin', 'america/new_york', 'Etc/GMT+5', 'US/Eastern', 'EST5EDT'])
      expect(isValidTimezone(name), name).toBe(true);
    for (const name of ['', '+05:00', 'Not/A_Zone', 'Factory', 'PST', 'US/Pacific-New', 'SystemV/EST5', 7, null])
      expect(isValidTimezone(name), String(name)).toBe(false);
  });
});

describe('calendar windows in rules', () => {
  const rule = (text: string) => {
    const result = validateRule(text, { target: 'person', schema: baseFieldSchema() });
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    return result.rule;
  };

  it('print as they parse', () => {
    for (const text of [
      'did "login" within this week',
      'trial_ends_at within this month in customer timezone',
      'count(events "login" within last 2 calendar months) >= 1',
      'count(tickets where created_at within this quarter within next 3 calendar years in customer timezone) = 0',
      'signed_up_at within last 2 calendar weeks and signed_up_at within last 14 days',
    ])
      expect(printRule(rule(text))).toBe(text);
    expect(printRule(rule('did "login" within last 1 calendar week'))).toBe('did "login" within last 1 calendar weeks');
  });

  it('refuse what is not a calendar window, with a span on it', () => {
    const mistakes = (text: string) => {
      const result = validateRule(text, { target: 'person', schema: baseFieldSchema() });
      return result.ok ? [] : result.diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
    };
    expect(mistakes('signed_up_at within last 2 calendar days')).toEqual([['syntax-error', 'days']]);
    expect(mistakes('signed_up_at within this fortnight')).toEqual([['syntax-error', 'fortnight']]);
    expect(mistakes('did "login" within last 0 calendar weeks')).toEqual([['invalid-value', '0']]);
    expect(mistakes('did "login" within next 1001 calendar years')).toEqual([['out-of-range', 'next 1001 calendar years']]);
    expect(mistakes('signed_up_at within this month in customer time')).toEqual([['syntax-error', 'time']]);
    expect(mistakes('signed_up_at within 5 days')).toEqual([['syntax-error', '5']]);
  });

  it('read the customer timezone from the person, else their first account, else the workspace', () => {
    const person = (traits: Record<string, unknown>, accounts: Array<Record<string, unknown>>): PersonRecord => ({
      id: 'p',
      columns: {},
      traits: { ...traits, signed_up_at: '2026-02-28T23:30:00Z' },
      accounts: accounts.map((t) => ({ columns: {}, traits: t })),
      events: [],
      tickets: [],
      surveys: [],
      segments: new Set(),
    });
    // 23:30Z on 28 February is still February in UTC and New York, March in Berlin.
    const march = rule('signed_up_at within this month in customer timezone');
    const now = new Date('2026-03-10T12:00:00Z');
    expect(evaluateRule(march, person({ timezone: 'Europe/Berlin' }, []), now, 'UTC')).toBe(true);
    expect(evaluateRule(march, person({ timezone: 'Not/A_Zone' }, [{ timezone: 'Europe/Berlin' }]), now, 'UTC')).toBe(true);
    expect(evaluateRule(march, person({}, [{ timezone: 'America/New_York' }, { timezone: 'Europe/Berlin' }]), now, 'UTC')).toBe(false);
    expect(evaluateRule(march, person({}, [{ timezone: 7 }, { timezone: 'Europe/Berlin' }]), now, 'Europe/Berlin')).toBe(true);
    expect(evaluateRule(march, person({}, []), now, 'not a zone')).toBe(false);
    expect(evaluateRule(rule('signed_up_at within this month'), person({ timezone: 'Europe/Berlin' }, []), now, 'UTC')).toBe(false);
  });
});
