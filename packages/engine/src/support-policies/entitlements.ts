import {
  decideTicket,
  evaluateTicketRule,
  segmentsReadByPolicies,
  workspaceBusinessHours,
  type PolicyAttribute,
  type SupportPolicy,
  type TicketRecord,
} from '@strata/core';
import {
  findProfileId,
  listSlaPolicies,
  listSupportPolicies,
  loadAccountRecord,
  loadPersonRecord,
  readWorkspaceHours,
  type WorkspaceScope,
} from '@strata/storage';

/** One thing a customer is entitled to, with the policy that grants it and the segments behind that. */
export interface Entitlement<T> {
  value: T | null;
  policy: string | null;
  segments: string[];
}

export interface Entitlements {
  channels: Entitlement<string[]>;
  sla: Entitlement<string>;
  queue: Entitlement<string>;
  priority: Entitlement<string>;
}

/**
 * What a customer is entitled to before they write: the policies decided for a ticket of theirs
 * that says nothing yet (its own fields missing, so rules on channel or sentiment do not hold),
 * from a person with their first account, or from an account alone. Undefined when there is no
 * such customer.
 */
export async function customerEntitlements(
  scope: WorkspaceScope,
  customer: { target: 'person' | 'account'; id: string },
): Promise<Entitlements | undefined> {
  const ticket = await blankTicketOf(scope, customer);
  if (!ticket) return undefined;
  const [policies, slaPolicies, { timezone, businessHours }] = await Promise.all([
    listSupportPolicies(scope),
    listSlaPolicies(scope),
    readWorkspaceHours(scope),
  ]);
  const now = scope.clock();
  const matching = new Set(policies.filter((p) => evaluateTicketRule(p.when, ticket, now, timezone)).map((p) => p.key));
  const decision = decideTicket({
    policies,
    matching,
    // The experiment unit a ticket of theirs would have: its account, else its requester.
    unit: ticket.account?.id ?? ticket.person?.id ?? ticket.id,
    ticket: { priority: null, createdAt: now, firstResponseAt: null, solvedAt: null },
    slaPolicies: new Map(slaPolicies.map((p) => [p.key, p])),
    hours: workspaceBusinessHours(timezone, businessHours),
    now,
  });
  const memberOf = new Set([...(ticket.person?.segments ?? []), ...(ticket.account?.segments ?? [])]);
  const behind = <T>(attribute: PolicyAttribute, value: T | null): Entitlement<T> => {
    const key = decision.matched.find((m) => m.attribute === attribute)?.policy ?? null;
    const policy: SupportPolicy | undefined = policies.find((p) => p.key === key);
    const segments = policy ? [...segmentsReadByPolicies([policy])].filter((s) => memberOf.has(s)) : [];
    return { value: key === null ? null : value, policy: key, segments };
  };
  return {
    channels: behind('channels', decision.channels),
    sla: behind('sla', decision.sla?.key ?? null),
    queue: behind('queue', decision.queue),
    priority: behind('priority', decision.priority),
  };
}

/** A ticket of the customer with no fields of its own: a person's with their first account, or an account's. */
async function blankTicketOf(
  scope: WorkspaceScope,
  customer: { target: 'person' | 'account'; id: string },
): Promise<TicketRecord | undefined> {
  if (customer.target === 'account') {
    const account = await loadAccountRecord(scope, customer.id);
    return account && { id: 'entitlements', fields: {}, account };
  }
  const person = await loadPersonRecord(scope, customer.id);
  if (!person) return undefined;
  // The person's first account by joining order, as a ticket of theirs would take it.
  const groupId = person.accounts[0]?.columns['group_id'];
  const accountId = typeof groupId === 'string' ? await findProfileId(scope, 'account', groupId) : undefined;
  const account = accountId ? await loadAccountRecord(scope, accountId) : undefined;
  return { id: 'entitlements', fields: {}, person, ...(account ? { account } : {}) };
}
