import { segmentsReadByPolicies } from '@strata/core';
import { listSupportPolicies } from '@strata/storage';
import type { Subscriber } from '../changes/index.js';
import { decideTickets } from './decide-tickets.js';

/**
 * Re-decides the open tickets of a requester or account that entered or left a segment a support
 * policy reads, with cause `segment-entered:KEY` or `segment-exited:KEY`, in the transaction that
 * moves the subscriber's cursor. Deciding twice stores nothing new, so a repeated batch is harmless.
 */
export const supportPolicyDecisions: Subscriber = {
  name: 'support-policy-decisions',
  log: 'segment-changes',
  async handle(changes, { scope }) {
    const read = segmentsReadByPolicies(await listSupportPolicies(scope));
    if (read.size === 0) return;
    // In log order, one run per change: a member who entered and left in one batch ends decided as out.
    for (const change of changes) {
      if (!read.has(change.segmentKey)) continue;
      const cause = `segment-${change.kind === 'enter' ? 'entered' : 'exited'}:${change.segmentKey}`;
      await decideTickets(scope, { openOf: [change.memberId] }, cause);
    }
  },
};
