import { describe, expect, it } from 'vitest';
import { defaultAnalyticsSettings } from './analytics-settings.js';
import type { PeriodFacts } from './metric-components.js';
import { findMetric, metricDefinitions, metricKeys, metricValues } from './metric-registry.js';

const none = { n: 0, median: null, p90: null };
const cohort = (accounts: number, retained: number, startMrr: number, endMrr: number) => ({ accounts, retained, startMrr, endMrr });
const facts = (over: Partial<PeriodFacts> = {}): PeriodFacts => ({
  size: 10,
  entered: 2,
  exited: 1,
  members: 11,
  accounts: 4,
  mrr: 1000,
  payingAccounts: 4,
  csat: { n: 4, sum: 16, sumOfSquares: 66, satisfied: 3 },
  nps: { n: 5, promoters: 3, detractors: 1 },
  tickets: { n: 8, contactingMembers: 5, reopened: 2, withSla: 6, slaMet: 3 },
  firstResponse: { calendar: { n: 2, median: 30, p90: 54 }, business: none },
  resolution: { calendar: none, business: none },
  retention: { '30': cohort(5, 4, 500, 450), '90': cohort(0, 0, 0, 0), '365': cohort(2, 2, 100, 300) },
  ...over,
});

describe('metric registry', () => {
  it('defines each metric once, with a formula', () => {
    expect(new Set(metricKeys).size).toBe(metricKeys.length);
    for (const m of metricDefinitions) expect(m.formula.length, m.key).toBeGreaterThan(5);
  });

  it('derives every metric from the facts as docs/analytics.md states', () => {
    const v = metricValues(facts(), defaultAnalyticsSettings);
    expect(v).toMatchObject({ size: 10, entered: 2, exited: 1, mrr: 1000, arr: 12_000, arpa: 250 });
    expect(v).toMatchObject({ csat: 4, csatSatisfied: 0.75, nps: 40, npsPromoters: 3, npsDetractors: 1, npsResponses: 5 });
    expect(v).toMatchObject({ tickets: 8, ticketsPerAccount: 2, contactRatio: 5 / 11, reopenRate: 0.25, slaAttainment: 0.5 });
    expect(v).toMatchObject({ firstResponseMedian: 30, firstResponseP90: 54, resolutionMedian: null });
    expect(v).toMatchObject({
      logoRetention30: 0.8,
      revenueRetention30: 0.9,
      churnRate: 0.2,
      logoRetention90: null,
      revenueRetention365: 3,
    });
    // CLV = ARPA 250 x margin 0.8 / churn 0.2.
    expect(v['clv']).toBe(1000);
    expect(metricValues(facts(), { ...defaultAnalyticsSettings, grossMargin: 0.5 })['clv']).toBe(625);
  });

  it('has no CLV while no account churned, and no ratio over nothing', () => {
    const v = metricValues(
      facts({ retention: { '30': cohort(3, 3, 10, 10), '90': cohort(0, 0, 0, 0), '365': cohort(0, 0, 0, 0) }, payingAccounts: 0, mrr: 0 }),
      defaultAnalyticsSettings,
    );
    expect(v).toMatchObject({ clv: null, churnRate: 0, arpa: null });
  });

  it('gives the tests what they read: counts for shares, mean and variance for averages', () => {
    expect(findMetric('reopenRate')!.sample!(facts())).toEqual({ test: 'proportions', n: 8, successes: 2 });
    // CSAT answers 3, 4, 4, 5: mean 4, sample variance 2/3.
    const csat = findMetric('csat')!.sample!(facts());
    expect(csat).toMatchObject({ test: 'means', n: 4, mean: 4 });
    expect(csat.test === 'means' && csat.variance).toBeCloseTo(2 / 3, 12);
    // NPS answers scored 100, 100, 100, 0, -100: mean 40, variance (3 x 60² + 40² + 140²) / 4 = 8000.
    const nps = findMetric('nps')!.sample!(facts());
    expect(nps).toMatchObject({ test: 'means', n: 5, mean: 40 });
    expect(nps.test === 'means' && nps.variance).toBeCloseTo(8000, 9);
    expect('sample' in findMetric('mrr')!).toBe(false);
  });
});
