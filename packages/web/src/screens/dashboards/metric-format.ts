// Core loads zod, which must be set jitless first to stay inside the CSP (see docs/web.md).
import '../segment-editor/zod-without-eval';
import { findMetric } from '@strata/core';

/** A metric's label from the registry (the key when it has none). */
export function metricLabel(key: string): string {
  return findMetric(key)?.label ?? key;
}

/** A metric's value as its unit reads: shares as percentages, money with two decimals, minutes rounded. */
export function formatMetric(key: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const unit = findMetric(key)?.unit;
  if (unit === 'share') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'currency') return value.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (unit === 'minutes') return `${Math.round(value)} min`;
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(2);
}
