import { registerComputedField } from '../segments/computed-fields.js';

/** How far back `mrr_change_90d` compares the MRR with. */
export const mrrChangeDays = 90;

/**
 * Registers the account rule field `mrr_change_90d`: the MRR now minus the MRR 90 days ago, from
 * the account's MRR history (storage's `mrrChangeSql` is the SQL side, and the loaded record holds
 * what it reads). Missing when the history does not reach back 90 days. It changes when `mrr` is
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
    read: (record) => record.columns['mrr_change_90d'],
  });
}
