/** Why a churn model's numbers should not be trusted yet; codes are stable API. */
export type ChurnWarningCode = 'too-few-examples' | 'too-few-positives' | 'one-sided' | 'too-little-signal';

export interface ChurnWarning {
  code: ChurnWarningCode;
  message: string;
}

export const minimumExamples = 100;
export const minimumPerOutcome = 20;
/** A positive share outside [limit, 1 - limit] is too one-sided. */
export const oneSidedShare = 0.05;
/** Below this held-out AUC the model ranks hardly better than chance. */
export const minimumUsefulAuc = 0.6;

const messages: Record<ChurnWarningCode, (n: number, positives: number, auc: number | null) => string> = {
  'too-few-examples': (n) => `only ${n} examples: at least ${minimumExamples} are needed for the numbers to mean much`,
  'too-few-positives': (n, positives) =>
    `${positives} churned and ${n - positives} stayed: each needs at least ${minimumPerOutcome} examples; use a longer history or a broader churn label`,
  'one-sided': (n, positives) =>
    `${((100 * positives) / Math.max(1, n)).toFixed(1)}% of examples churned: with so one-sided a label the model learns little; check the label`,
  'too-little-signal': (_n, _p, auc) =>
    `held-out AUC ${auc === null ? 'undefined' : auc.toFixed(3)} is near chance (0.5): the features say too little about churn to rank accounts`,
};

/** The warnings a measured model deserves, from its evaluation size, positives and AUC. */
export function churnWarnings(n: number, positives: number, auc: number | null): ChurnWarning[] {
  const codes: ChurnWarningCode[] = [];
  if (n < minimumExamples) codes.push('too-few-examples');
  if (Math.min(positives, n - positives) < minimumPerOutcome) codes.push('too-few-positives');
  if (n > 0 && (positives / n < oneSidedShare || positives / n > 1 - oneSidedShare)) codes.push('one-sided');
  if (auc === null || auc < minimumUsefulAuc) codes.push('too-little-signal');
  return codes.map((code) => ({ code, message: messages[code](n, positives, auc) }));
}
