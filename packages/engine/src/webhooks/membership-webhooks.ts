import { createHash } from 'node:crypto';
import { insertWebhookMessages, listWebhooks } from '@strata/storage';
import type { Subscriber } from '../changes/index.js';
import { enqueueMany } from '../jobs/index.js';
import { deliverWebhookTask } from './deliver-webhook.js';
import { eventOf, membershipPayload } from './webhook-payload.js';

/**
 * The first change subscriber: each membership change becomes one message per matching webhook,
 * and a delivery job, in the transaction that moves the cursor. A message's id is derived from
 * the workspace, webhook and change, so handling a change twice adds nothing the second time and
 * every attempt carries the same `webhook-id`.
 */
export const membershipWebhooks: Subscriber = {
  name: 'membership-webhooks',
  log: 'segment-changes',
  async handle(changes, { scope }) {
    const { db, workspaceId } = scope;
    const webhooks = await listWebhooks(scope);
    if (webhooks.length === 0) return;
    const messages = [];
    for (const change of changes) {
      const event = eventOf(change);
      for (const webhook of webhooks) {
        if (!webhook.events.includes(event)) continue;
        if (webhook.segments && !webhook.segments.includes(change.segmentKey)) continue;
        // A webhook hears changes from its creation on, not the history before it.
        if (change.at < webhook.createdAt) continue;
        messages.push({
          id: messageId(workspaceId, webhook.key, change.changeId),
          webhookKey: webhook.key,
          changeId: change.changeId,
          event,
          payload: membershipPayload(change),
        });
      }
    }
    const added = await insertWebhookMessages(scope, messages);
    await enqueueMany(
      db,
      deliverWebhookTask,
      added.map((id) => ({ payload: { workspaceId, messageId: id }, key: `webhook:${id}` })),
    );
  },
};

export function messageId(workspaceId: string, webhookKey: string, changeId: number): string {
  const digest = createHash('sha256').update(`${workspaceId}\u0000${webhookKey}\u0000${changeId}`).digest('base64url');
  return `msg_${digest.slice(0, 27)}`;
}
