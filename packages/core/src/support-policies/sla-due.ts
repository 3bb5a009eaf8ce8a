import { addBusinessMinutes, type BusinessHours } from '../support/business-hours.js';
import type { SlaTarget } from './policy-model.js';

/** When a ticket's SLA targets fall due: ISO instants, null when a target is not set or never reached. */
export interface SlaDueTimes {
  firstResponseDueAt: string | null;
  nextResponseDueAt: string | null;
  resolutionDueAt: string | null;
}

/**
 * The due times of one SLA target for a ticket: first response and resolution count from its
 * creation, the next response from the customer message still waiting for an answer (if any).
 * In business hours they count only the workspace's working minutes (`hours`); else around the clock.
 */
export function slaDueTimes(
  target: SlaTarget,
  ticket: { createdAt: Date; awaitingAnswerSince?: Date | undefined },
  hours: BusinessHours | undefined,
): SlaDueTimes {
  const after = (from: Date, minutes: number) => {
    const due = hours ? addBusinessMinutes(from, minutes, hours) : new Date(from.getTime() + minutes * 60_000);
    return due ? due.toISOString() : null;
  };
  return {
    firstResponseDueAt: after(ticket.createdAt, target.firstResponseMinutes),
    nextResponseDueAt:
      target.nextResponseMinutes !== undefined && ticket.awaitingAnswerSince
        ? after(ticket.awaitingAnswerSince, target.nextResponseMinutes)
        : null,
    resolutionDueAt: after(ticket.createdAt, target.resolutionMinutes),
  };
}
