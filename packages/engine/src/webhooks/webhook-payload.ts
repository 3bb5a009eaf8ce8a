import type { LoggedSegmentChange, MembershipEvent, SupportEvent } from '@strata/storage';

export const membershipEvents = ['segment.entered', 'segment.exited'] as const satisfies readonly MembershipEvent[];
/** Support events a webhook can subscribe to besides membership changes (support policies announce them). */
export const supportEvents = ['ticket.decided', 'sla.warning', 'sla.breached'] as const satisfies readonly SupportEvent[];
export const webhookEvents = [...membershipEvents, ...supportEvents] as const;

export function eventOf(change: Pick<LoggedSegmentChange, 'kind'>): MembershipEvent {
  return change.kind === 'enter' ? 'segment.entered' : 'segment.exited';
}

/**
 * The body of a membership webhook, in the Standard Webhooks shape `{type, timestamp, data}`:
 * `data.id` is the profile's id (userId or groupId), `data.segment` the segment key.
 */
export function membershipPayload(change: LoggedSegmentChange): Record<string, unknown> {
  return {
    type: eventOf(change),
    timestamp: change.at.toISOString(),
    data: {
      segment: change.segmentKey,
      target: change.target,
      id: change.id,
      change: change.kind,
      at: change.at.toISOString(),
      version: change.version,
      cause: change.cause,
      cursor: `${change.txid}.${change.changeId}`,
    },
  };
}
