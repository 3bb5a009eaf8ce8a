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
