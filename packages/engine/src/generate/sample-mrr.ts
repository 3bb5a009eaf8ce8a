import type { Mood } from './sample-support.js';

const day = 86_400_000;

/** One point of a generated account's MRR history: from `at` on, the account paid `mrr` a month. */
export interface SampleMrrPoint {
  at: number;
  mrr: number;
}

/** How likely a paying account is to have grown or shrunk its subscription, by how it is doing. */
const changeChances: Record<Mood, { expand: number; contract: number }> = {
  happy: { expand: 0.35, contract: 0.03 },
  neutral: { expand: 0.2, contract: 0.08 },
  unhappy: { expand: 0.05, contract: 0.3 },
};

/**
 * The MRR history of a paying account from its first invoice (`from`): happy accounts often
 * expanded once (bought seats or a bigger plan) at some point, unhappy ones more often shrank;
 * the history ends at `mrr`, the account's MRR now. A churned account paid `paid` until it ended,
 * then nothing. Draws from `random` only after the caller's draws, so adding it changed nothing else.
 */
export function sampleMrrHistory(
  account: { mrr: number; paid: number; from: number; end: number; churned: boolean; mood: Mood },
  random: () => number,
): SampleMrrPoint[] {
  const { mrr, paid, from, end, churned, mood } = account;
  if (churned) return [{ at: from, mrr: paid }, ...(end > from ? [{ at: end, mrr: 0 }] : [])];
  const roll = random();
  const factor = 1.1 + random() * 0.5;
  // After the first invoice, never at it: one point per instant.
  const changeAt = from + (0.05 + random() * 0.95) * (end - from);
  const chances = changeChances[mood];
  // A change in the first month would be the deal being settled, not a change of it.
  if (end - from < 30 * day || roll >= chances.expand + chances.contract) return [{ at: from, mrr }];
  const before = Math.round(roll < chances.expand ? mrr / factor : mrr * factor);
  return [
    { at: from, mrr: before },
    { at: Math.round(changeAt), mrr },
  ];
}

/** The MRR a history holds at `at`: that of the last point at or before it. */
export function sampleMrrAt(history: readonly SampleMrrPoint[], at: number): number | undefined {
  let found: number | undefined;
  for (const point of history) if (point.at <= at) found = point.mrr;
  return found;
}

/** The first renewal after `anchor` of a subscription started at `from` with periods of `periodDays`. */
export function nextRenewal(from: number, periodDays: number, anchor: number): number {
  const period = periodDays * day;
  return from + Math.max(1, Math.ceil((anchor - from) / period)) * period;
}
