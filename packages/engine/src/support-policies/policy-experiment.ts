import { compareMeans, compareProportions, summarize, type Interval } from '@strata/core';
import { listExperimentTickets, type ExperimentTicket, type StoredSupportPolicy, type WorkspaceScope } from '@strata/storage';

/** One measure of the readout: the treatment against the holdout, with the statistics of core/stats. */
export interface ExperimentMetric {
  key: string;
  name: string;
  kind: 'proportion' | 'mean';
  /** Which way is good. */
  better: 'higher' | 'lower';
  treatment: { n: number; value: number | null };
  holdout: { n: number; value: number | null };
  difference: number | null;
  ci: Interval | null;
  pValue: number | null;
  warnings: string[];
}

export interface PolicyExperimentReadout {
  policy: string;
  holdoutPercent: number;
  arms: { treatment: { tickets: number; accounts: number }; holdout: { tickets: number; accounts: number } };
  metrics: ExperimentMetric[];
  warnings: string[];
}

/** Below this many held-out tickets the readout says it cannot tell much yet. */
const fewTickets = 30;

/**
 * Compares the tickets a policy handled with those its experiment held out: CSAT (satisfied
 * share and mean), first-response and resolution minutes, reopen rate, and the accounts'
 * retention. The same statistics and warnings as every experiment (core/stats).
 */
export async function policyExperimentReadout(scope: WorkspaceScope, policy: StoredSupportPolicy): Promise<PolicyExperimentReadout> {
  const tickets = await listExperimentTickets(scope, policy.key);
  const arm = (name: ExperimentTicket['arm']) => tickets.filter((t) => t.arm === name);
  const [treated, held] = [arm('treatment'), arm('holdout')];
  const accounts = (group: ExperimentTicket[]) => {
    const byAccount = new Map<string, boolean>();
    for (const t of group) if (t.accountId !== null && t.accountChurned !== null) byAccount.set(t.accountId, t.accountChurned);
    return byAccount;
  };
  const metrics = [
    proportion('csat-satisfied', 'Satisfied (CSAT 4-5)', 'higher', treated, held, (t) => (t.csat === null ? undefined : t.csat >= 4)),
    mean('csat', 'CSAT (mean)', 'higher', treated, held, (t) => t.csat),
    mean('first-response-minutes', 'First response (minutes)', 'lower', treated, held, (t) => t.firstResponseMinutes),
    mean('resolution-minutes', 'Resolution (minutes)', 'lower', treated, held, (t) => t.resolutionMinutes),
    proportion('reopen-rate', 'Reopened (of solved)', 'lower', treated, held, (t) => (t.solved ? t.reopened : undefined)),
    retention(accounts(treated), accounts(held)),
  ];
  const warnings =
    held.length < fewTickets
      ? [`only ${held.length} held-out ticket(s) so far: wait for at least ${fewTickets} before reading a difference`]
      : [];
  return {
    policy: policy.key,
    holdoutPercent: policy.experiment?.holdoutPercent ?? 0,
    arms: {
      treatment: { tickets: treated.length, accounts: new Set(treated.map((t) => t.accountId).filter(Boolean)).size },
      holdout: { tickets: held.length, accounts: new Set(held.map((t) => t.accountId).filter(Boolean)).size },
    },
    metrics,
    warnings,
  };
}

function proportion(
  key: string,
  name: string,
  better: 'higher' | 'lower',
  treated: ExperimentTicket[],
  held: ExperimentTicket[],
  outcome: (t: ExperimentTicket) => boolean | undefined,
): ExperimentMetric {
  const counts = (group: ExperimentTicket[]) => {
    const known = group.map(outcome).filter((o) => o !== undefined);
    return { n: known.length, successes: known.filter(Boolean).length };
  };
  return fromCounts(key, name, better, counts(treated), counts(held));
}

function retention(treated: Map<string, boolean>, held: Map<string, boolean>): ExperimentMetric {
  const counts = (accounts: Map<string, boolean>) => ({
    n: accounts.size,
    successes: [...accounts.values()].filter((churned) => !churned).length,
  });
  return fromCounts('account-retention', 'Accounts retained', 'higher', counts(treated), counts(held));
}

function fromCounts(
  key: string,
  name: string,
  better: 'higher' | 'lower',
  treated: { n: number; successes: number },
  held: { n: number; successes: number },
): ExperimentMetric {
  const result = compareProportions(treated, held);
  const empty = treated.n === 0 || held.n === 0;
  return {
    key,
    name,
    kind: 'proportion',
    better,
    treatment: { n: treated.n, value: treated.n === 0 ? null : result.rate },
    holdout: { n: held.n, value: held.n === 0 ? null : result.baselineRate },
    difference: empty ? null : result.difference,
    ci: empty ? null : result.ci,
    pValue: result.pValue,
    warnings: result.warnings,
  };
}

function mean(
  key: string,
  name: string,
  better: 'higher' | 'lower',
  treated: ExperimentTicket[],
  held: ExperimentTicket[],
  value: (t: ExperimentTicket) => number | null,
): ExperimentMetric {
  const values = (group: ExperimentTicket[]) => group.map(value).filter((v): v is number => v !== null);
  const [a, b] = [summarize(values(treated)), summarize(values(held))];
  const result = compareMeans(a, b);
  return {
    key,
    name,
    kind: 'mean',
    better,
    treatment: { n: a.n, value: a.n === 0 ? null : a.mean },
    holdout: { n: b.n, value: b.n === 0 ? null : b.mean },
    difference: a.n === 0 || b.n === 0 ? null : result.difference,
    ci: result.ci,
    pValue: result.pValue,
    warnings: result.warnings,
  };
}
