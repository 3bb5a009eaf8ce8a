import { describe, expect, it } from 'vitest';
import { baseFieldSchema, validateHealthModel, type PersonRecord } from '@strata/core';
import { scoreProfile } from './compute-health.js';
import { personAsOf } from './health-history.js';
import type { WorkspaceHealthModel } from './health-models.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const day = 86_400_000;

/** A champion score: logins in 30 days (0-10), features used (thresholds), the account's plan, and a CSM's rating. */
function championModel(): WorkspaceHealthModel {
  const checked = validateHealthModel(
    'champion',
    {
      name: 'Champion',
      target: 'person',
      method: 'weighted',
      measures: [
        {
          key: 'logins',
          name: 'Logins (30 days)',
          expression: 'count(events "login" within last 30 days)',
          weight: 2,
          scoring: { type: 'linear', min: 0, max: 10 },
          missing: 'zero',
        },
        { key: 'paid-plan', name: 'On a paid plan', expression: 'account.plan = "pro"', weight: 1, missing: 'zero' },
        { key: 'rating', name: 'CSM rating', manual: true, weight: 1, scoring: { type: 'linear', min: 0, max: 5 }, missing: 'skip' },
      ],
      bands: [
        { key: 'detractor', name: 'Detractor', min: 0 },
        { key: 'champion', name: 'Champion', min: 70 },
      ],
    },
    baseFieldSchema(),
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return { ...checked.model, version: 1, predefined: false };
}

const person = (loginsDaysAgo: number[], plan: string): PersonRecord => ({
  id: 'p1',
  columns: {},
  traits: {},
  accounts: [{ columns: {}, traits: { plan } }],
  events: loginsDaysAgo.map((daysAgo, i) => ({ messageId: `m${i}`, name: 'login', at: now - daysAgo * day, properties: {} })),
  tickets: [],
  surveys: [],
  segments: new Set(),
});

describe('scoring a person under a person model', () => {
  it("reads the person's own events and their account's traits, each measure's part adding up to the score", () => {
    // 5 logins in 30 days score 50 (weight 2), pro plan 100 (weight 1), no rating: skipped, so (100 + 100) / 3.
    const scored = scoreProfile(
      championModel(),
      { target: 'person', record: person([1, 2, 3, 4, 5, 40], 'pro') },
      new Date(now),
      'UTC',
      new Map(),
    );
    expect(scored.score).toBeCloseTo(200 / 3, 9);
    expect(scored.band).toBe('detractor');
    expect(scored.measures.map((m) => [m.key, m.value, m.score, m.weight])).toEqual([
      ['logins', 5, 50, 2],
      ['paid-plan', 1, 100, 1],
      ['rating', undefined, undefined, 0],
    ]);
    expect(scored.measures.reduce((sum, m) => sum + m.contribution, 0)).toBeCloseTo(scored.score, 9);
  });

  it('takes a hand-set value for a manual measure', () => {
    // Rating 5 scores 100: (2·50 + 100 + 100) / 4 = 75, a champion.
    const scored = scoreProfile(
      championModel(),
      { target: 'person', record: person([1, 2, 3, 4, 5], 'pro') },
      new Date(now),
      'UTC',
      new Map([['rating', 5]]),
    );
    expect(scored).toMatchObject({ score: 75, band: 'champion' });
  });

  it('scores the past from the data of then: later events left out', () => {
    const record = person([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'free');
    const fiveDaysAgo = now - 5 * day;
    // On that day only the logins 5 to 10 days ago had happened: 6 logins score 60, free plan 0: 120 / 3.
    const then = scoreProfile(
      championModel(),
      { target: 'person', record: personAsOf(record, fiveDaysAgo) },
      new Date(fiveDaysAgo),
      'UTC',
      new Map(),
    );
    expect(then.score).toBeCloseTo(40, 9);
    const today = scoreProfile(championModel(), { target: 'person', record }, new Date(now), 'UTC', new Map());
    expect(today.score).toBeCloseTo(200 / 3, 9);
  });
});
