import { sameDecision, type SupportPolicy, type TicketDecision } from '@strata/core';
import { matchTicketPolicies, type TicketPolicyMatch, type TicketSelection, type WorkspaceScope } from '@strata/storage';
import { loadDecisionContext } from './decision-context.js';

/** What saving some policies would do to the open tickets: how many change, and a sample of them. */
export interface PolicyPreview {
  openTickets: number;
  changed: number;
  samples: Array<{ id: string; before: TicketDecision; after: TicketDecision }>;
}

const sampleSize = 20;
const pageSize = 1000;

/**
 * Decides every open ticket under the workspace's policies and under them with `proposed` saved
 * (replacing those of the same keys), and counts the tickets whose decision would differ. Saves
 * nothing; both sides are decided now, so a stale stored decision does not count as a change.
 */
export async function previewPolicies(scope: WorkspaceScope, proposed: readonly SupportPolicy[]): Promise<PolicyPreview> {
  const context = await loadDecisionContext(scope);
  const replaced = new Set(proposed.map((p) => p.key));
  const after = [...context.policies.filter((p) => !replaced.has(p.key)), ...proposed];
  const preview: PolicyPreview = { openTickets: 0, changed: 0, samples: [] };
  let cursor: string | null = null;
  for (;;) {
    const selection: TicketSelection = { open: { after: cursor, limit: pageSize } };
    const [current, proposedMatches]: [TicketPolicyMatch[], TicketPolicyMatch[]] = await Promise.all([
      matchTicketPolicies(scope, context.policies, selection),
      matchTicketPolicies(scope, after, selection),
    ]);
    const before = new Map(current.map((m) => [m.ticketId, context.decide(m)]));
    for (const match of proposedMatches) {
      const was = before.get(match.ticketId);
      const decided = context.decide(match, after);
      // A ticket closed between the two reads is not an open ticket to compare.
      if (!was || sameDecision(was, decided)) continue;
      preview.changed++;
      if (preview.samples.length < sampleSize) preview.samples.push({ id: match.ticketId, before: was, after: decided });
    }
    preview.openTickets += proposedMatches.length;
    const last = proposedMatches.at(-1);
    if (proposedMatches.length < pageSize || !last) return preview;
    cursor = last.ticketId;
  }
}
