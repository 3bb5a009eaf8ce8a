import type { LoggedSegmentChange, WorkspaceScope } from '@strata/storage';

/** What a subscriber's handler gets with its changes. */
export interface SubscriberContext {
  /**
   * The workspace, on the transaction that also moves the cursor (what the handler writes here
   * commits with it), with the clock stopped at the batch's instant.
   */
  scope: WorkspaceScope;
  /**
   * A key that is the same every time this change reaches this subscriber, for handlers whose
   * effect is not naturally idempotent (a delivery, an email): store it with a unique constraint.
   */
  idempotencyKey(change: LoggedSegmentChange): string;
}

/**
 * Something that acts on membership changes: re-decide tickets, start playbooks, deliver
 * webhooks. Each subscriber keeps its own durable cursor over the change log per workspace and
 * gets every change at least once, in log order; its writes commit with the cursor move, so a
 * crash between handling and advance repeats the batch rather than losing it.
 */
export interface Subscriber {
  name: string;
  /** The change log it reads. Only membership changes exist so far; ticket and score logs come later. */
  log: 'segment-changes';
  handle(changes: readonly LoggedSegmentChange[], context: SubscriberContext): Promise<void>;
  /** Changes per transaction; 500 by default. */
  batchSize?: number;
}
