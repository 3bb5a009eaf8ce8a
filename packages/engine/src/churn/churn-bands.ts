import type { ChurnBand } from '@strata/storage';

/** Lower bounds of the bands on the churn probability; below `medium` is `low`. */
export const churnBandBounds = { high: 0.5, medium: 0.2 } as const;

/** The band of a churn probability. */
export function churnBandOf(probability: number): ChurnBand {
  if (probability >= churnBandBounds.high) return 'high';
  if (probability >= churnBandBounds.medium) return 'medium';
  return 'low';
}
