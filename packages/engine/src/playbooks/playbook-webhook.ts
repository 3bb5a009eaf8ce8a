import type { PlaybookStep } from '@strata/core';
import {
  findPlaybookStepMessage,
  insertPlaybookStepMessage,
  loadPersonRecord,
  lockEnrolment,
  moveEnrolment,
  requeueWebhookMessage,
  type PlaybookEnrolment,
  type WorkspaceScope,
} from '@strata/storage';
import { enqueue } from '../jobs/index.js';
import { deliverWebhookTask } from '../webhooks/index.js';
import { scheduleEnrolment } from './advance-enrolment.js';

/** The webhook-id of a run's step: the same on every attempt, so receivers drop repeats (Standard Webhooks). */
export const playbookMessageId = (enrolment: PlaybookEnrolment) => `pbk_${enrolment.id}_${enrolment.nextStep}`;

/** What the step's transaction decided: record the delivery and go on, or hold the run until it is delivered. */
export type WebhookStepResult = { kind: 'recorded'; outcome: string; detail: unknown } | { kind: 'paused' };

/**
 * A `webhook` step, in the step's transaction: its message goes onto the spine's webhook delivery
 * (`webhook_messages` and a `deliver-webhook` job), keyed by run and step, and the run waits at
 * the step until the message is delivered. The delivery signs it with Standard Webhooks, retries
 * with backoff, and fails the run at this step after its last attempt; a retried run sends the
 * same message again. The body is fixed when the step first runs (the person then, and
 * `timestamp` when the run reached the step), so every attempt carries the same one.
 */
export async function runWebhookStep(
  tx: WorkspaceScope,
  enrolment: PlaybookEnrolment,
  step: Extract<PlaybookStep, { type: 'webhook' }>,
  path: string,
): Promise<WebhookStepResult> {
  const existing = await findPlaybookStepMessage(tx, enrolment.id, path);
  if (existing?.status === 'delivered')
    return { kind: 'recorded', outcome: 'delivered', detail: { webhookId: existing.id, status: existing.lastStatus } };
  if (existing) {
    // Pending: its delivery job exists. Failed: a retried run sends it again.
    if (existing.status === 'failed') {
      await requeueWebhookMessage(tx, existing.id);
      await scheduleDelivery(tx, existing.id);
    }
    return { kind: 'paused' };
  }
  const person = await loadPersonRecord(tx, enrolment.personId);
  const id = playbookMessageId(enrolment);
  await insertPlaybookStepMessage(tx, {
    id,
    url: step.url,
    secretCiphertext: step.sealedSecret,
    enrolmentId: enrolment.id,
    stepPath: path,
    payload: {
      type: 'playbook.step',
      timestamp: enrolment.updatedAt.toISOString(),
      data: {
        playbook: enrolment.playbookKey,
        version: enrolment.version,
        run: enrolment.id,
        step: path,
        cause: enrolment.cause,
        person: person ? { userId: person.columns['user_id'] ?? null, traits: person.traits } : null,
      },
    },
  });
  await scheduleDelivery(tx, id);
  return { kind: 'paused' };
}

async function scheduleDelivery(tx: WorkspaceScope, messageId: string): Promise<void> {
  await enqueue(tx.db, deliverWebhookTask, { workspaceId: tx.workspaceId, messageId }, { key: `webhook:${messageId}` });
}

/** A step's message was delivered: its run goes on, in the transaction that records the delivery. */
export async function resumePlaybookStep(tx: WorkspaceScope, enrolmentId: string): Promise<void> {
  await scheduleEnrolment(tx, enrolmentId);
}

/** A step's message failed its last attempt: the run fails at the step (listed with ?status=failed, retryable). */
export async function failPlaybookStep(tx: WorkspaceScope, at: { enrolmentId: string; stepPath: string }, error: string): Promise<void> {
  const enrolment = await lockEnrolment(tx, at.enrolmentId);
  if (enrolment?.status === 'active' && enrolment.nextStep === at.stepPath)
    await moveEnrolment(tx, at.enrolmentId, { status: 'failed', nextStep: at.stepPath, error });
}
