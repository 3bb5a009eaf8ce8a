import { z } from 'zod';
import { addDays, calendarDayOf, metricKeys, metricPeriods, parseCalendarDay } from '@strata/core';
import { findSegment, readWorkspaceHours, type Period, type WorkspaceScope } from '@strata/storage';
import { AppError } from '../../http/app-error.js';

/** The longest range a request reads, in days: a year and a bit, the longest retention window. */
export const maxRangeDays = 400;

export const dayParameter = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar day YYYY-MM-DD')
  .describe('a calendar day YYYY-MM-DD in the workspace time zone');

export const metricsParameter = z
  .string()
  .max(2000)
  .optional()
  .describe(`comma-separated metric keys (all when absent): ${metricKeys.join(', ')}`);

/** The metric keys a `metrics` parameter names, all when absent; 400 naming an unknown one. */
export function metricsOf(parameter: string | undefined): string[] {
  if (parameter === undefined || parameter.trim() === '') return [...metricKeys];
  const keys = [...new Set(parameter.split(',').map((k) => k.trim()))];
  const unknown = keys.filter((k) => !metricKeys.includes(k));
  if (unknown.length > 0)
    throw new AppError(
      'INVALID_INPUT',
      `metrics: no metric ${unknown.map((k) => `"${k}"`).join(', ')}; known metrics are ${metricKeys.join(', ')}`,
      [{ field: 'metrics', message: `unknown metric ${unknown.join(', ')}` }],
    );
  return keys;
}

/**
 * The days `from` to `to` in the workspace's time zone (defaults: the 30 days up to today), checked:
 * real days, `from` not after `to`, at most `maxRangeDays` apart.
 */
export async function dayRangeOf(scope: WorkspaceScope, query: { from?: string | undefined; to?: string | undefined }) {
  const { timezone } = await readWorkspaceHours(scope);
  const today = calendarDayOf(scope.clock(), timezone);
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -29);
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!parseCalendarDay(value, timezone))
      throw new AppError('INVALID_INPUT', `${field}: "${value}" is not a calendar day; write it as YYYY-MM-DD`, [
        { field, message: 'not a calendar day' },
      ]);
  if (from > to)
    throw new AppError('INVALID_INPUT', `from: ${from} is after to (${to}); swap them`, [{ field: 'from', message: 'after to' }]);
  if (addDays(from, maxRangeDays) <= to)
    throw new AppError('INVALID_INPUT', `from: ${from} is more than ${maxRangeDays} days before to (${to}); ask for a shorter range`, [
      { field: 'from', message: `more than ${maxRangeDays} days before to` },
    ]);
  return { from, to, timezone };
}

/** The instants a day range covers, up to now at the latest. */
export function periodOf(range: { from: string; to: string; timezone: string }, now: Date): Period {
  const [first] = metricPeriods(range.from, range.from, 'day', range.timezone);
  const [last] = metricPeriods(range.to, range.to, 'day', range.timezone);
  const end = last!.end < now ? last!.end : now;
  return { start: first!.start, end: end < first!.start ? first!.start : end };
}

/** The segment with this key; 404 naming it when the workspace has none. */
export async function segmentNamed(scope: WorkspaceScope, key: string) {
  const segment = await findSegment(scope, key);
  if (!segment) throw new AppError('NOT_FOUND', `no segment "${key}" in this workspace`);
  return segment;
}

/** Segment keys from a comma-separated parameter, each checked to exist (400 naming `field` and the key). */
export async function segmentsNamed(scope: WorkspaceScope, parameter: string, field: string) {
  const keys = [
    ...new Set(
      parameter
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ];
  if (keys.length === 0) throw new AppError('INVALID_INPUT', `${field}: name at least one segment key`, [{ field, message: 'empty' }]);
  const segments = [];
  for (const key of keys) {
    const segment = await findSegment(scope, key);
    if (!segment)
      throw new AppError('INVALID_INPUT', `${field}: no segment "${key}" in this workspace`, [
        { field, message: `unknown segment ${key}` },
      ]);
    segments.push(segment);
  }
  return segments;
}
