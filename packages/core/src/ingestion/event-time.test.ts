import { describe, expect, it } from 'vitest';
import { correctEventTime, eventTimeOutsideWindow } from './event-time.js';

const receivedAt = new Date('2026-03-01T12:00:00Z');

describe('correctEventTime', () => {
  it('shifts a skewed client clock onto the server clock using sentAt', () => {
    const result = correctEventTime({ timestamp: new Date('2026-03-01T14:59:00Z'), sentAt: new Date('2026-03-01T15:00:00Z') }, receivedAt);
    expect(result).toEqual({ at: new Date('2026-03-01T11:59:00Z'), future: false });
  });

  it('uses the batch sentAt when the message has none', () => {
    const result = correctEventTime({ timestamp: new Date('2026-03-01T11:00:00Z') }, receivedAt, new Date('2026-03-01T11:30:00Z'));
    expect(result.at).toEqual(new Date('2026-03-01T11:30:00Z'));
  });

  it('trusts the timestamp without sentAt and flags it when it is in the future', () => {
    expect(correctEventTime({ timestamp: new Date('2026-03-02T00:00:00Z') }, receivedAt)).toEqual({
      at: new Date('2026-03-02T00:00:00Z'),
      future: true,
    });
  });

  it('falls back to originalTimestamp, then to the receipt time', () => {
    expect(correctEventTime({ originalTimestamp: new Date('2026-02-01T00:00:00Z') }, receivedAt).at).toEqual(
      new Date('2026-02-01T00:00:00Z'),
    );
    expect(correctEventTime({}, receivedAt).at).toEqual(receivedAt);
  });
});

describe('eventTimeOutsideWindow', () => {
  const window = { maxAgeDays: 10, maxFutureDays: 2 };
  const days = (n: number) => new Date(receivedAt.getTime() + n * 86_400_000);

  it('accepts times inside the window, edges included', () => {
    for (const at of [days(-10), days(0), days(2)]) expect(eventTimeOutsideWindow(at, receivedAt, window)).toBeUndefined();
  });

  it('refuses older times pointing at strata import, and times too far ahead', () => {
    expect(eventTimeOutsideWindow(days(-10.01), receivedAt, window)).toMatch(/more than 10 days ago.*strata import/);
    expect(eventTimeOutsideWindow(days(2.01), receivedAt, window)).toMatch(/more than 2 days ahead/);
  });

  it('judges the corrected time: a sentAt far from the timestamp can move it out', () => {
    const { at } = correctEventTime({ timestamp: new Date('1970-01-02T00:00:00Z'), sentAt: new Date('2099-01-01T00:00:00Z') }, receivedAt);
    expect(at.getUTCFullYear()).toBeLessThan(1900);
    expect(eventTimeOutsideWindow(at, receivedAt, window)).toBeDefined();
  });
});
