/**
 * The triage queue's order (issue 17): one score from a ticket's priority, its SLA time left, and
 * its customer's churn risk, value and sentiment. Each term is read as 0..1 (1 = most urgent), and
 * the score is their weighted mean on 0..100, so `why` can show what each term added.
 */

export const triageTerms = ['priority', 'sla', 'churnRisk', 'value', 'sentiment'] as const;
export type TriageTerm = (typeof triageTerms)[number];
export type TriageWeights = Record<TriageTerm, number>;

/** Priority first, then the clock; the customer's signals break what is left. A workspace setting. */
export const defaultTriageWeights: TriageWeights = { priority: 40, sla: 30, churnRisk: 15, value: 10, sentiment: 5 };

export interface TriageInput {
  priority: string | null;
  /** Minutes to the nearest SLA target still due; 0 or less when one is breached; null without an SLA. */
  slaMinutesLeft: number | null;
  /** The account's churn risk, 0..1. */
  churnRisk: number | null;
  /** The account's value score, 0..100 (the `value` health model). */
  value: number | null;
  /** The ticket's worst sentiment, -1..1. */
  sentiment: number | null;
}

export interface TriagePart {
  term: TriageTerm;
  weight: number;
  /** The term read as 0..1. */
  level: number;
  /** Points of the score it gave. */
  points: number;
}

const priorityLevel: Record<string, number> = { urgent: 1, high: 2 / 3, normal: 1 / 3, low: 0 };

/**
 * How urgent the clock is: 1 once breached, a half with an hour left, a fifth with four hours,
 * nothing without an SLA. Smooth, so a ticket climbs as its time runs out.
 */
export function slaUrgency(minutesLeft: number | null): number {
  if (minutesLeft === null) return 0;
  if (minutesLeft <= 0) return 1;
  return 1 / (1 + minutesLeft / 60);
}

export function triageLevels(input: TriageInput): Record<TriageTerm, number> {
  return {
    priority: input.priority === null ? priorityLevel['normal']! : (priorityLevel[input.priority] ?? priorityLevel['normal']!),
    sla: slaUrgency(input.slaMinutesLeft),
    churnRisk: clamp(input.churnRisk ?? 0, 0, 1),
    value: clamp((input.value ?? 0) / 100, 0, 1),
    // Only unhappiness raises a ticket: a happy customer is not less urgent than a neutral one.
    sentiment: clamp(-(input.sentiment ?? 0), 0, 1),
  };
}

export function triageScore(input: TriageInput, weights: TriageWeights = defaultTriageWeights): { score: number; why: TriagePart[] } {
  const levels = triageLevels(input);
  const total = triageTerms.reduce((sum, term) => sum + weights[term], 0);
  const why = triageTerms.map((term) => {
    const points = total === 0 ? 0 : (100 * weights[term] * levels[term]) / total;
    return { term, weight: weights[term], level: round(levels[term], 4), points: round(points, 2) };
  });
  const score = total === 0 ? 0 : triageTerms.reduce((sum, term) => sum + (100 * weights[term] * levels[term]) / total, 0);
  return { score: round(score, 2), why };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
