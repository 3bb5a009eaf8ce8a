import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import {
  findWebhook,
  findWebhookMessage,
  inWorkspaceTransaction,
  recordWebhookAttempt,
  workspaceScope,
  type WebhookMessage,
  type WorkspaceScope,
} from '@strata/storage';
import type { Task } from '../jobs/index.js';
import { failPlaybookStep, resumePlaybookStep } from '../playbooks/index.js';

/** 25 attempts: graphile-worker's backoff (e^min(n,10) s) spreads them over about four days. */
export const deliveryAttempts = 25;

/**
 * Sends one webhook message; a non-2xx answer or a refused address is a failure that retries. A
 * playbook step's message goes to the step's URL, and its run goes on (or fails) with it.
 */
export const deliverWebhookTask: Task<{ workspaceId: string; messageId: string }> = {
  name: 'deliver-webhook',
  payload: z.object({ workspaceId: z.string(), messageId: z.string() }),
  maxAttempts: deliveryAttempts,
  async run({ workspaceId, messageId }, { db, now, services, attempt, lastAttempt }) {
    const scope = workspaceScope(db, workspaceId, now);
    // Both reads in one transaction: a statement alone costs BEGIN and COMMIT round trips of its
    // own under row-level security, and every change of every webhook passes here.
    const found = await inWorkspaceTransaction(scope, async (tx) => {
      const message = await findWebhookMessage(tx, messageId);
      if (!message || message.status === 'delivered') return undefined;
      if (message.playbookStep)
        return { message, webhook: { key: `of playbook run ${message.playbookStep.enrolmentId}`, ...message.playbookStep } };
      const webhook = message.webhookKey === null ? undefined : await findWebhook(tx, message.webhookKey);
      return webhook ? { message, webhook } : undefined;
    });
    if (!found) return;
    const { message, webhook } = found;
    if (!services.secrets) throw new Error('STRATA_SECRET_KEY is not configured: webhook secrets cannot be opened');
    const secret = services.secrets.open(Buffer.from(webhook.secretCiphertext, 'base64'));
    const body = JSON.stringify(message.payload);
    const sentAt = scope.clock();
    const signature = new Webhook(secret).sign(message.id, sentAt, body);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await services.post({
        url: webhook.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Strata-Webhooks/1',
          'webhook-id': message.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
      });
      status = response.status;
      if (status < 200 || status > 299)
        error = status >= 300 && status < 400 ? `answered ${status}: redirects are not followed` : `answered ${status}`;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    const at = scope.clock();
    if (error === null) {
      await recordAttempt(scope, message, async (tx) => {
        await recordWebhookAttempt(tx, message.id, { status: 'delivered', httpStatus: status, error: null, at, nextAttemptAt: null });
        if (message.playbookStep) await resumePlaybookStep(tx, message.playbookStep.enrolmentId);
      });
      return;
    }
    const nextAttemptAt = lastAttempt ? null : new Date(at.getTime() + Math.exp(Math.min(attempt, 10)) * 1000);
    await recordAttempt(scope, message, async (tx) => {
      await recordWebhookAttempt(tx, message.id, {
        status: lastAttempt ? 'failed' : 'pending',
        httpStatus: status,
        error,
        at,
        nextAttemptAt,
      });
      if (message.playbookStep && lastAttempt)
        await failPlaybookStep(tx, message.playbookStep, `the webhook ${webhook.url} was not delivered: ${error}`);
    });
    throw new Error(`webhook ${webhook.key} message ${message.id}: ${error}`);
  },
};

/** A playbook step's attempt is recorded with its run's move in one transaction; others alone, as they always were. */
async function recordAttempt(scope: WorkspaceScope, message: WebhookMessage, record: (tx: WorkspaceScope) => Promise<void>): Promise<void> {
  if (message.playbookStep) await inWorkspaceTransaction(scope, record);
  else await record(scope);
}
