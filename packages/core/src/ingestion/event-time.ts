/** How far ahead of the server clock an event may claim to be before it is flagged. */
export const futureTolerance = 5 * 60_000;

/** The fields of a message that decide when it happened. */
export interface MessageTimes {
  timestamp?: Date | null | undefined;
  originalTimestamp?: Date | null | undefined;
  sentAt?: Date | null | undefined;
}

/**
 * Segment's clock-skew correction: a client whose clock is off stamps both the event and the
 * send with the same error, so `receivedAt - (sentAt - timestamp)` is the event time on the
 * server's clock. Without `sentAt` the client's timestamp is trusted; without any, receipt time.
 */
export function correctEventTime(times: MessageTimes, receivedAt: Date, batchSentAt?: Date | null): { at: Date; future: boolean } {
  const stamped = times.timestamp ?? times.originalTimestamp;
  const sentAt = times.sentAt ?? batchSentAt;
  let at: Date;
  if (!stamped) at = receivedAt;
  else if (sentAt) at = new Date(receivedAt.getTime() - (sentAt.getTime() - stamped.getTime()));
  else at = stamped;
  return { at, future: at.getTime() > receivedAt.getTime() + futureTolerance };
}

/** The span of event times that live ingestion accepts, in days around the server clock. */
export interface EventTimeWindow {
  maxAgeDays: number;
  maxFutureDays: number;
}

/** Ten years back (older history is an import's job) and a few days ahead. */
export const defaultEventTimeWindow: EventTimeWindow = { maxAgeDays: 3650, maxFutureDays: 3 };

const dayMs = 86_400_000;

/**
 * Why a corrected event time falls outside the window around `receivedAt`, or undefined when
 * it is inside. Checked after clock-skew correction, which can move a time by any amount.
 */
export function eventTimeOutsideWindow(at: Date, receivedAt: Date, window: EventTimeWindow): string | undefined {
  const ms = at.getTime();
  const oldest = receivedAt.getTime() - window.maxAgeDays * dayMs;
  const latest = receivedAt.getTime() + window.maxFutureDays * dayMs;
  if (ms < oldest)
    return `the event time ${at.toISOString()} (after clock-skew correction) is more than ${window.maxAgeDays} days ago; send history with \`strata import\`, or raise STRATA_MAX_EVENT_AGE_DAYS`;
  if (ms > latest)
    return `the event time ${at.toISOString()} (after clock-skew correction) is more than ${window.maxFutureDays} days ahead of the server clock; check the client's clock and sentAt`;
  return undefined;
}
