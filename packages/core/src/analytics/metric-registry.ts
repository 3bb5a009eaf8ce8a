import type { AnalyticsSettings } from './analytics-settings.js';
import type { DurationQuantiles, PeriodFacts, RetentionWindow } from './metric-components.js';

/**
 * What a metric measures, which decides how two segments are compared: a `proportion` by a test
 * of two proportions, a `mean` by Welch's t-test, the rest (`count`, `money`, and `duration`,
 * medians and percentiles of minutes, which have no test here) side by side only.
 */
export type MetricKind = 'count' | 'money' | 'proportion' | 'mean' | 'duration';

/** What a significance test of a metric reads from a period's facts. */
export type MetricSample =
  { test: 'proportions'; n: number; successes: number } | { test: 'means'; n: number; mean: number; variance: number };

/** One metric, defined once: the API, the docs and the dashboards read this table. */
export interface MetricDefinition {
  key: string;
  label: string;
  /** The formula, as docs/analytics.md shows it. */
  formula: string;
  unit: 'profiles' | 'accounts' | 'tickets' | 'currency' | 'share' | 'score' | 'minutes' | 'ratio';
  kind: MetricKind;
  /** The value for one period; null when there is nothing to measure (no answers, no tickets). */
  value(facts: PeriodFacts, settings: AnalyticsSettings): number | null;
  /** What a significance test reads; absent for metrics no test applies to. */
  sample?(facts: PeriodFacts): MetricSample;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const cents = (amount: number): number => Math.round(amount * 100) / 100;
const share = (n: number, successes: number): MetricSample => ({ test: 'proportions', n, successes });

function csatSample(f: PeriodFacts): MetricSample {
  const { n, sum, sumOfSquares } = f.csat;
  const mean = n === 0 ? 0 : sum / n;
  const variance = n < 2 ? 0 : (sumOfSquares - n * mean * mean) / (n - 1);
  return { test: 'means', n, mean, variance: Math.max(0, variance) };
}

// NPS is the mean of answers scored +100 (promoter), 0 (passive) and -100 (detractor), so its
// variance follows from the counts and Welch's test applies.
function npsSample(f: PeriodFacts): MetricSample {
  const { n, promoters, detractors } = f.nps;
  const mean = n === 0 ? 0 : (100 * (promoters - detractors)) / n;
  const sumOfSquares = 10_000 * (promoters + detractors);
  const variance = n < 2 ? 0 : (sumOfSquares - n * mean * mean) / (n - 1);
  return { test: 'means', n, mean, variance: Math.max(0, variance) };
}

function churnRate(f: PeriodFacts): number | null {
  const cohort = f.retention['30'];
  return ratio(cohort.accounts - cohort.retained, cohort.accounts);
}

function arpa(f: PeriodFacts): number | null {
  return f.payingAccounts === 0 ? null : f.mrr / f.payingAccounts;
}

function durations(
  key: string,
  label: string,
  read: (f: PeriodFacts) => DurationQuantiles,
  clock: 'calendar' | 'business',
  what: string,
): MetricDefinition[] {
  const hours = clock === 'business' ? ', counting only the workspace’s business hours' : '';
  return [
    {
      key: `${key}Median`,
      label: `${label}, median`,
      formula: `median of ${what}${hours}, over tickets created in the period by members`,
      unit: 'minutes',
      kind: 'duration',
      value: (f) => read(f).median,
    },
    {
      key: `${key}P90`,
      label: `${label}, 90th percentile`,
      formula: `90th percentile (continuous) of ${what}${hours}, over tickets created in the period by members`,
      unit: 'minutes',
      kind: 'duration',
      value: (f) => read(f).p90,
    },
  ];
}

function retention(window: RetentionWindow): MetricDefinition[] {
  const read = (f: PeriodFacts) => f.retention[`${window}`];
  return [
    {
      key: `logoRetention${window}`,
      label: `Logo retention, ${window} days`,
      formula: `paying member accounts ${window} days before the period's end still paying at its end / those accounts`,
      unit: 'share',
      kind: 'proportion',
      value: (f) => ratio(read(f).retained, read(f).accounts),
      sample: (f) => share(read(f).accounts, read(f).retained),
    },
    {
      key: `revenueRetention${window}`,
      label: `Revenue retention, ${window} days`,
      formula: `MRR at the period's end of the accounts paying ${window} days before / their MRR then (net: expansion counts)`,
      unit: 'share',
      kind: 'mean',
      value: (f) => ratio(read(f).endMrr, read(f).startMrr),
    },
  ];
}

/** Every metric, in the order answers and docs list them. */
export const metricDefinitions: readonly MetricDefinition[] = [
  {
    key: 'size',
    label: 'Size',
    formula: "members at the period's end",
    unit: 'profiles',
    kind: 'count',
    value: (f) => f.size,
  },
  {
    key: 'entered',
    label: 'Entered',
    formula: 'profiles that entered in the period (each entry counts)',
    unit: 'profiles',
    kind: 'count',
    value: (f) => f.entered,
  },
  {
    key: 'exited',
    label: 'Exited',
    formula: 'profiles that left in the period (each exit counts)',
    unit: 'profiles',
    kind: 'count',
    value: (f) => f.exited,
  },
  {
    key: 'mrr',
    label: 'MRR',
    formula: "sum of the MRR (from the account's MRR history) of the members' accounts at the period's end",
    unit: 'currency',
    kind: 'money',
    value: (f) => cents(f.mrr),
  },
  {
    key: 'arr',
    label: 'ARR',
    formula: 'MRR x 12',
    unit: 'currency',
    kind: 'money',
    value: (f) => cents(f.mrr * 12),
  },
  {
    key: 'arpa',
    label: 'ARPA',
    formula: 'MRR / member accounts with MRR above 0',
    unit: 'currency',
    kind: 'money',
    value: (f) => {
      const value = arpa(f);
      return value === null ? null : cents(value);
    },
  },
  {
    key: 'csat',
    label: 'CSAT, average',
    formula: 'mean CSAT (1 to 5) of survey answers members gave in the period',
    unit: 'score',
    kind: 'mean',
    value: (f) => ratio(f.csat.sum, f.csat.n),
    sample: csatSample,
  },
  {
    key: 'csatSatisfied',
    label: 'CSAT, share 4-5',
    formula: 'CSAT answers of 4 or 5 / CSAT answers, members in the period',
    unit: 'share',
    kind: 'proportion',
    value: (f) => ratio(f.csat.satisfied, f.csat.n),
    sample: (f) => share(f.csat.n, f.csat.satisfied),
  },
  {
    key: 'nps',
    label: 'NPS',
    formula: '100 x (promoters (9-10) - detractors (0-6)) / NPS answers, members in the period',
    unit: 'score',
    kind: 'mean',
    value: (f) => (f.nps.n === 0 ? null : (100 * (f.nps.promoters - f.nps.detractors)) / f.nps.n),
    sample: npsSample,
  },
  {
    key: 'npsPromoters',
    label: 'NPS promoters',
    formula: 'NPS answers of 9 or 10 members gave in the period',
    unit: 'profiles',
    kind: 'count',
    value: (f) => f.nps.promoters,
  },
  {
    key: 'npsDetractors',
    label: 'NPS detractors',
    formula: 'NPS answers of 0 to 6 members gave in the period',
    unit: 'profiles',
    kind: 'count',
    value: (f) => f.nps.detractors,
  },
  {
    key: 'npsResponses',
    label: 'NPS answers',
    formula: 'NPS answers members gave in the period',
    unit: 'profiles',
    kind: 'count',
    value: (f) => f.nps.n,
  },
  ...durations('firstResponse', 'First response', (f) => f.firstResponse.calendar, 'calendar', 'minutes to the first agent reply'),
  ...durations(
    'firstResponseBusiness',
    'First response (business hours)',
    (f) => f.firstResponse.business,
    'business',
    'minutes to the first agent reply',
  ),
  ...durations('resolution', 'Resolution', (f) => f.resolution.calendar, 'calendar', 'minutes to solved'),
  ...durations('resolutionBusiness', 'Resolution (business hours)', (f) => f.resolution.business, 'business', 'minutes to solved'),
  {
    key: 'slaAttainment',
    label: 'SLA attainment',
    formula: 'tickets created in the period under an SLA with no target breached / tickets created in the period under an SLA',
    unit: 'share',
    kind: 'proportion',
    value: (f) => ratio(f.tickets.slaMet, f.tickets.withSla),
    sample: (f) => share(f.tickets.withSla, f.tickets.slaMet),
  },
  {
    key: 'tickets',
    label: 'Tickets',
    formula: 'tickets members created in the period',
    unit: 'tickets',
    kind: 'count',
    value: (f) => f.tickets.n,
  },
  {
    key: 'ticketsPerAccount',
    label: 'Tickets per account',
    formula: "tickets members created in the period / the members' accounts in the period",
    unit: 'ratio',
    kind: 'count',
    value: (f) => ratio(f.tickets.n, f.accounts),
  },
  {
    key: 'contactRatio',
    label: 'Contact ratio',
    formula: 'members who created a ticket in the period / members in the period',
    unit: 'share',
    kind: 'proportion',
    value: (f) => ratio(f.tickets.contactingMembers, f.members),
    sample: (f) => share(f.members, f.tickets.contactingMembers),
  },
  {
    key: 'reopenRate',
    label: 'Reopen rate',
    formula: 'tickets created in the period and reopened at least once / tickets created in the period',
    unit: 'share',
    kind: 'proportion',
    value: (f) => ratio(f.tickets.reopened, f.tickets.n),
    sample: (f) => share(f.tickets.n, f.tickets.reopened),
  },
  ...retention(30),
  ...retention(90),
  ...retention(365),
  {
    key: 'churnRate',
    label: 'Churn rate (30 days)',
    formula: '1 - logo retention over 30 days',
    unit: 'share',
    kind: 'proportion',
    value: churnRate,
    sample: (f) => share(f.retention['30'].accounts, f.retention['30'].accounts - f.retention['30'].retained),
  },
  {
    key: 'clv',
    label: 'CLV',
    formula: 'ARPA x gross margin (a workspace setting, 0.8 unless set) / churn rate (30 days); none while no account churned',
    unit: 'currency',
    kind: 'money',
    value: (f, settings) => {
      const perAccount = arpa(f);
      const churn = churnRate(f);
      return perAccount === null || churn === null || churn === 0 ? null : cents((perAccount * settings.grossMargin) / churn);
    },
  },
];

/** Every metric's key, in registry order. */
export const metricKeys: readonly string[] = metricDefinitions.map((m) => m.key);

const byKey = new Map(metricDefinitions.map((m) => [m.key, m]));

/** The metric with this key, if there is one. */
export function findMetric(key: string): MetricDefinition | undefined {
  return byKey.get(key);
}

/** The values of the chosen metrics (all when none are chosen) for one period's facts. */
export function metricValues(
  facts: PeriodFacts,
  settings: AnalyticsSettings,
  keys: readonly string[] = metricKeys,
): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const key of keys) {
    const metric = byKey.get(key);
    if (metric) values[key] = metric.value(facts, settings);
  }
  return values;
}

/** The assumption CLV rests on, shown next to it. */
export function clvAssumption(settings: AnalyticsSettings): string {
  return `CLV = ARPA x gross margin ${settings.grossMargin} / churn rate over 30 days (a constant churn rate is assumed)`;
}
