import type { TicketRule } from '../segments/ir.js';
import type { TicketChannel, TicketPriority } from '../support/ticket-model.js';

/** Minutes to answer and to solve a ticket of one priority; `nextResponseMinutes` counts from each later customer message. */
export interface SlaTarget {
  firstResponseMinutes: number;
  nextResponseMinutes?: number | undefined;
  resolutionMinutes: number;
}

/** An SLA: targets per priority, counted in the workspace's business hours (and holidays) or around the clock. */
export interface SlaPolicy {
  key: string;
  name: string;
  businessHours: boolean;
  targets: { [P in TicketPriority]?: SlaTarget | undefined };
}

/** What a support policy sets on the tickets it matches; absent attributes are left to later policies. */
export interface PolicySet {
  priority?: TicketPriority | undefined;
  /** An SLA policy's key. */
  sla?: string | undefined;
  /** A queue's key, stored as given until queues exist. */
  queue?: string | undefined;
  tags?: string[] | undefined;
  /** A set of canned responses, by key. */
  responseSet?: string | undefined;
  /** Channels the customer is offered (entitlements): phone only for `high-value`, say. */
  channels?: TicketChannel[] | undefined;
}

/** Minutes before an SLA target that `sla.warning` fires, unless the workspace sets its own. */
export const defaultSlaWarningMinutes = 15;

export const policyAttributes = ['priority', 'sla', 'queue', 'tags', 'responseSet', 'channels'] as const;
export type PolicyAttribute = (typeof policyAttributes)[number];

/** A support policy: when its ticket rule holds, it sets attributes no policy before it (by position) has set. */
export interface SupportPolicy {
  key: string;
  name: string;
  position: number;
  /** The rule's canonical text, and its checked IR. */
  whenText: string;
  when: TicketRule;
  set: PolicySet;
  /** Run as an experiment: this share of matching customers keep the handling they would get without it. */
  experiment?: PolicyExperiment | undefined;
}

export interface PolicyExperiment {
  /** 1-50: the percentage of customers (by account, else requester) held out. */
  holdoutPercent: number;
}

/**
 * A customer's bucket (0-99) for a policy's experiment: FNV-1a of the policy key and the unit's id,
 * so one customer sees one treatment under a policy, on every ticket, whichever process decides.
 */
export function holdoutBucket(policyKey: string, unitId: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${policyKey}:${unitId}`) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

/** Policies in the order they apply: by position, then key, so equal positions are still one order. */
export function orderPolicies<P extends Pick<SupportPolicy, 'key' | 'position'>>(policies: readonly P[]): P[] {
  return [...policies].sort((a, b) => a.position - b.position || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
