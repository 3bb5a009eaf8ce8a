import { registerComputedField } from '../segments/computed-fields.js';

/** How far back `mrr_change_90d` compares the MRR with. */
export const mrrChangeDays = 90;

/** One recorded MRR of an account, as loaded onto its record (`columns.mrr_history`, oldest first). */
export interface MrrPoint {
  /** Epoch milliseconds. */
  at: number;
  mrr: number | null;
}

/** The MRR a history holds at `at`: the last value recorded at or before it; undefined before the first. */
function mrrAt(history: readonly MrrPoint[], at: number): number | null | undefined {
  let found: number | null | undefined;
  for (const point of history) if (point.at <= at) found = point.mrr;
  return found;
}

/** `mrr_change_90d` at `now`: the MRR then minus the MRR 90 days before; undefined when either is unknown. */
export function mrrChangeAt(history: readonly MrrPoint[], now: number): number | undefined {
  const current = mrrAt(history, now);
  const before = mrrAt(history, now - mrrChangeDays * 86_400_000);
  return typeof current === 'number' && typeof before === 'number' ? current - before : undefined;
}

/**
 * Registers the account rule field `mrr_change_90d`: the MRR now minus the MRR 90 days ago, from
 * the account's MRR history (storage's `mrrChangeSql` is the SQL side; the loaded record holds the
 * history as `columns.mrr_history`, so a record scored as of a past day reads the change then). Missing when the history does not reach back 90 days. It changes when `mrr` is
 * set and when a change of the history leaves the 90-day window, which the time sweep finds by
 * the history's times. Returns the unregistration.
 */
export function registerMrrChangeField(): () => void {
  return registerComputedField({
    name: 'mrr_change_90d',
    target: 'account',
    type: 'number',
    topics: ['trait:mrr'],
    timeLeaves: [
      {
        source: { kind: 'history', trait: 'mrr' },
        // A change counts from its own time (a change stamped in the future), and stops counting 90 days later.
        offsets: [
          { sign: 0, amount: 0, unit: 'minutes' },
          { sign: 1, amount: mrrChangeDays, unit: 'days' },
        ],
      },
    ],
    read: (record, now) => {
      const history = record.columns['mrr_history'];
      return Array.isArray(history) ? mrrChangeAt(history as MrrPoint[], now) : undefined;
    },
  });
}
