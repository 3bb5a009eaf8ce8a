import { expect, it } from 'vitest';
import { isoTime } from './registry.js';
it('reads ISO-8601 dates and times the one way SQL reads them too', () => {
  expect(isoTime('2026-01-01')).toBe(Date.UTC(2026, 0, 1));
  expect(isoTime('2026-01-01T10:00')).toBe(Date.UTC(2026, 0, 1, 10));
  expect(isoTime('2026-01-01 10:00:05.5')).toBe(Date.UTC(2026, 0, 1, 10, 0, 5, 500));
  expect(isoTime('2026-01-01T10:00:00+02:00')).toBe(Date.UTC(2026, 0, 1, 8));
  expect(isoTime('2026-01-01T23:00:00-02:00')).toBe(Date.UTC(2026, 0, 2, 1));
  expect(isoTime('2026-02-30')).toBeUndefined();
  expect(isoTime('2026-13-01')).toBeUndefined();
  expect(isoTime('yesterday')).toBeUndefined();
});
