import { createHash } from 'node:crypto';
import {
  insertSupportEventMessages,
  listWebhooks,
  recordSupportEvents,
  type SupportEventInput,
  type WorkspaceScope,
} from '@strata/storage';
import { enqueueMany } from '../jobs/index.js';
import { deliverWebhookTask } from '../webhooks/index.js';

/**
 * Records support events and, in the same transaction, one message per webhook subscribed to
 * each new one, with its delivery job. An event recorded before (same dedupe key) announces
 * nothing again, so a timer or a batch that runs twice sends once.
 */
export async function announceSupportEvents(scope: WorkspaceScope, events: readonly SupportEventInput[]): Promise<void> {
  const recorded = await recordSupportEvents(scope, events);
  if (recorded.length === 0) return;
  const webhooks = await listWebhooks(scope);
  const messages = recorded.flatMap((event) =>
    webhooks
      .filter((w) => w.events.includes(event.type))
      .map((w) => ({
        id: messageId(scope.workspaceId, w.key, event.eventId),
        webhookKey: w.key,
        supportEventId: event.eventId,
        event: event.type,
        payload: event.payload,
      })),
  );
  const added = await insertSupportEventMessages(scope, messages);
  await enqueueMany(
    scope.db,
    deliverWebhookTask,
    added.map((id) => ({ payload: { workspaceId: scope.workspaceId, messageId: id }, key: `webhook:${id}` })),
  );
}

/** Derived from the workspace, webhook and event, so every attempt carries the same `webhook-id`. */
function messageId(workspaceId: string, webhookKey: string, eventId: number): string {
  const digest = createHash('sha256').update(`${workspaceId}\u0000${webhookKey}\u0000support:${eventId}`).digest('base64url');
  return `msg_${digest.slice(0, 27)}`;
}
