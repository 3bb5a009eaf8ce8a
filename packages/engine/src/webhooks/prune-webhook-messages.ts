import { z } from 'zod';
import { pruneWebhookMessages } from '@strata/storage';
import type { Task } from '../jobs/index.js';

/** Delivered messages are kept 30 days for the deliveries view, then pruned nightly. */
export const deliveredRetentionDays = 30;

export const pruneWebhookMessagesTask: Task<{ workspaceId?: string | undefined }> = {
  name: 'prune-webhook-messages',
  payload: z.object({ workspaceId: z.string().optional() }).passthrough(),
  singleton: true,
  schedule: '30 3 * * *',
  maxAttempts: 3,
  async run(_payload, { db, now, log }) {
    const pruned = await pruneWebhookMessages(db, new Date(now().getTime() - deliveredRetentionDays * 86_400_000));
    if (pruned > 0) log('info', 'delivered webhook messages pruned', { pruned });
  },
};
