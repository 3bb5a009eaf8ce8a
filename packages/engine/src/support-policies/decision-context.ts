import { decideTicket, workspaceBusinessHours, type SupportPolicy, type TicketDecision } from '@strata/core';
import { listSlaPolicies, listSupportPolicies, readWorkspaceHours, type TicketPolicyMatch, type WorkspaceScope } from '@strata/storage';

/** What deciding needs of the workspace besides the tickets: its policies, SLAs and business hours. */
export interface DecisionContext {
  policies: SupportPolicy[];
  decide(match: TicketPolicyMatch, policies?: readonly SupportPolicy[]): TicketDecision;
}

/** Loads the workspace's policies, SLAs and hours once, for deciding many tickets at the scope's instant. */
export async function loadDecisionContext(scope: WorkspaceScope): Promise<DecisionContext> {
  const [policies, slaPolicies, { timezone, businessHours }] = await Promise.all([
    listSupportPolicies(scope),
    listSlaPolicies(scope),
    readWorkspaceHours(scope),
  ]);
  const hours = workspaceBusinessHours(timezone, businessHours);
  const slas = new Map(slaPolicies.map((p) => [p.key, p]));
  const now = scope.clock();
  return {
    policies,
    decide: (match, given = policies) =>
      decideTicket({
        policies: given,
        matching: new Set(match.matching),
        unit: match.unit,
        ticket: match.facts,
        slaPolicies: slas,
        hours,
        now,
      }),
  };
}
