import type { Target } from '@strata/core';

/**
 * Where each kind of profile's health lives: accounts' tables (migration 0019) and people's
 * (0031) have the same columns but the profile's id. The queries of this folder take a target and
 * read these names, so accounts and people share one code path.
 */
export const healthTables = {
  account: {
    scores: 'account_health',
    days: 'account_health_days',
    manual: 'health_manual_values',
    work: 'health_work',
    id: 'account_id',
  },
  person: {
    scores: 'person_health',
    days: 'person_health_days',
    manual: 'person_health_manual_values',
    work: 'person_health_work',
    id: 'person_id',
  },
} as const satisfies Record<Target, { scores: string; days: string; manual: string; work: string; id: string }>;
