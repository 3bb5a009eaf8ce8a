import type { BusinessHours } from '../support/business-hours.js';
import type { TicketChannel, TicketPriority } from '../support/ticket-model.js';
import {
  holdoutBucket,
  orderPolicies,
  policyAttributes,
  type PolicyAttribute,
  type PolicySet,
  type SlaPolicy,
  type SupportPolicy,
} from './policy-model.js';
import { slaDueTimes, type SlaDueTimes } from './sla-due.js';

/** SLA targets a ticket can miss. */
export type SlaMilestone = 'first-response' | 'next-response' | 'resolution';

/** The SLA a ticket is held to: the policy, its due times, and the targets already missed. */
export interface DecidedSla extends SlaDueTimes {
  key: string;
  breached: SlaMilestone[];
}

/** What the support policies decided for one ticket, with the policy behind each attribute. */
export interface TicketDecision {
  /** The first matching policy's, else the ticket's own. */
  priority: TicketPriority | null;
  queue: string | null;
  /** Routing to agents comes with queues; until then nobody is assigned by policy. */
  assignee: null;
  tags: string[];
  responseSet: string | null;
  channels: TicketChannel[] | null;
  sla: DecidedSla | null;
  matched: Array<{ policy: string; attribute: PolicyAttribute }>;
  /** Policies whose rule held but that left this customer out, as their experiment's holdout. */
  heldOut: string[];
}

/** What a decision reads of the ticket itself. */
export interface TicketFacts {
  priority: TicketPriority | null;
  createdAt: Date;
  firstResponseAt: Date | null;
  solvedAt: Date | null;
  /** The customer's message waiting for an answer since the first response, if any. */
  awaitingAnswerSince?: Date | undefined;
}

export interface DecisionInput {
  policies: readonly SupportPolicy[];
  /** Keys of the policies whose rule holds for the ticket now. */
  matching: ReadonlySet<string>;
  /** Who an experiment assigns (the ticket's account, else its requester, else the ticket). */
  unit: string;
  ticket: TicketFacts;
  slaPolicies: ReadonlyMap<string, SlaPolicy>;
  /** The workspace's business hours, for SLAs counted in them. */
  hours: BusinessHours;
  now: Date;
}

/**
 * Decides a ticket: for each attribute, the first matching policy by position that sets it wins;
 * what no matching policy sets stays the ticket's own (its priority) or empty. The SLA's targets
 * are those of the decided priority (`normal` for a ticket without one).
 */
export function decideTicket(input: DecisionInput): TicketDecision {
  const chosen: PolicySet = {};
  const matched: TicketDecision['matched'] = [];
  const heldOut: string[] = [];
  for (const policy of orderPolicies(input.policies)) {
    if (!input.matching.has(policy.key)) continue;
    if (policy.experiment && holdoutBucket(policy.key, input.unit) < policy.experiment.holdoutPercent) {
      heldOut.push(policy.key);
      continue;
    }
    for (const attribute of policyAttributes) {
      if (policy.set[attribute] === undefined || chosen[attribute] !== undefined) continue;
      (chosen as Record<PolicyAttribute, unknown>)[attribute] = policy.set[attribute];
      matched.push({ policy: policy.key, attribute });
    }
  }
  const priority = chosen.priority ?? input.ticket.priority;
  const slaPolicy = chosen.sla === undefined ? undefined : input.slaPolicies.get(chosen.sla);
  return {
    priority,
    queue: chosen.queue ?? null,
    assignee: null,
    tags: chosen.tags ?? [],
    responseSet: chosen.responseSet ?? null,
    channels: chosen.channels ?? null,
    sla: slaPolicy ? decideSla(slaPolicy, priority ?? 'normal', input) : null,
    matched,
    heldOut,
  };
}

function decideSla(policy: SlaPolicy, priority: TicketPriority, input: DecisionInput): DecidedSla | null {
  const target = policy.targets[priority];
  if (!target) return null;
  const due = slaDueTimes(target, input.ticket, policy.businessHours ? input.hours : undefined);
  return { key: policy.key, ...due, breached: breachedMilestones(due, input.ticket, input.now) };
}

/** Targets whose due time passed before they were met (or, not met yet, before now). */
export function breachedMilestones(due: SlaDueTimes, ticket: TicketFacts, now: Date): SlaMilestone[] {
  const missed = (dueAt: string | null, metAt: Date | null) => dueAt !== null && (metAt ?? now).getTime() > Date.parse(dueAt);
  const breached: SlaMilestone[] = [];
  if (missed(due.firstResponseDueAt, ticket.firstResponseAt)) breached.push('first-response');
  if (missed(due.nextResponseDueAt, null)) breached.push('next-response');
  if (missed(due.resolutionDueAt, ticket.solvedAt)) breached.push('resolution');
  return breached;
}

/** Whether two decisions say the same: a new one is stored only when something changed. */
export function sameDecision(a: TicketDecision, b: TicketDecision): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
