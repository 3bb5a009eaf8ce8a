const day = 86_400_000;

/** Days between two snapshots of the accounts. */
export const snapshotEveryDays = 30;
/** Snapshots whose outcomes make up the held-out later period. */
export const heldOutSnapshots = 3;
/** The most training snapshots, the latest first: a year of monthly history. */
export const maximumTrainingSnapshots = 12;

/**
 * The instants at which accounts are taken as examples (features as of the instant, label "churned
 * within the horizon after"). The held-out snapshots are the latest whose horizon has passed; the
 * training snapshots are earlier still, so that every training label is settled before the first
 * held-out instant: the model is measured on a period it never saw any part of.
 */
export function churnSnapshots(now: Date, horizonDays: number, earliest: Date): { training: Date[]; heldOut: Date[] } {
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day);
  const heldOut = Array.from({ length: heldOutSnapshots }, (_, k) => at(horizonDays + k * snapshotEveryDays));
  const firstHeldOut = (heldOutSnapshots - 1) * snapshotEveryDays + horizonDays;
  const training = Array.from({ length: maximumTrainingSnapshots }, (_, k) =>
    at(firstHeldOut + horizonDays + k * snapshotEveryDays),
  ).filter((instant) => instant.getTime() >= earliest.getTime());
  return { training, heldOut };
}
