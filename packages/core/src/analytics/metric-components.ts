/** Medians and 90th percentiles of a set of durations, in minutes; null when there are none. */
export interface DurationQuantiles {
  n: number;
  median: number | null;
  p90: number | null;
}

/** Accounts paying at the start of a retention window, and what is left of them at its end. */
export interface RetentionCohort {
  /** Member accounts with MRR above 0 at the window's start. */
  accounts: number;
  /** Of those, the ones with MRR above 0 at the window's end (members or not). */
  retained: number;
  /** The cohort's MRR at the window's start, and the same accounts' MRR at its end. */
  startMrr: number;
  endMrr: number;
}

/** The retention windows, in days. */
export const retentionWindows = [30, 90, 365] as const;
export type RetentionWindow = (typeof retentionWindows)[number];

/**
 * The facts one period (a day, a week, a month) of one segment, or of the workspace as a whole,
 * is read from: counts and sums, never ratios, so that every metric is derived in one place (the
 * registry) and a setting such as the gross margin applies to stored days too. A profile counts in
 * a period's facts if it was a member at any time in the period, a ticket or an answer if its
 * profile was a member on its day; `size`, MRR and retention are read at the period's end.
 */
export interface PeriodFacts {
  /** Members at the period's end. */
  size: number;
  entered: number;
  exited: number;
  /** Profiles that were members at any time in the period. */
  members: number;
  /** Accounts of those members (the members themselves in an account segment). */
  accounts: number;
  /** Summed MRR of the accounts of the members at the period's end, and how many of them pay. */
  mrr: number;
  payingAccounts: number;
  csat: { n: number; sum: number; sumOfSquares: number; satisfied: number };
  nps: { n: number; promoters: number; detractors: number };
  tickets: { n: number; contactingMembers: number; reopened: number; withSla: number; slaMet: number };
  firstResponse: { calendar: DurationQuantiles; business: DurationQuantiles };
  resolution: { calendar: DurationQuantiles; business: DurationQuantiles };
  retention: Record<`${RetentionWindow}`, RetentionCohort>;
}
