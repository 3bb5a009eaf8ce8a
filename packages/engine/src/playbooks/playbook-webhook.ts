import { Webhook } from 'standardwebhooks';
import type { PlaybookStep } from '@strata/core';
import { loadPersonRecord, type PlaybookEnrolment, type WorkspaceScope } from '@strata/storage';
import type { TaskServices } from '../jobs/index.js';
import type { StepOutcome } from './advance-enrolment.js';

/** The webhook-id of a run's step: the same on every attempt, so receivers drop repeats (Standard Webhooks). */
export const playbookMessageId = (enrolment: PlaybookEnrolment) => `pbk_${enrolment.id}_${enrolment.nextStep}`;

/**
 * Posts a webhook step's message through the outbound guard, signed as membership webhooks are
 * (Standard Webhooks). A non-2xx answer or a refused address throws, and the job retries.
 */
export async function postPlaybookWebhook(
  scope: WorkspaceScope,
  enrolment: PlaybookEnrolment,
  step: Extract<PlaybookStep, { type: 'webhook' }>,
  services: TaskServices,
): Promise<StepOutcome> {
  if (!services.secrets) throw new Error('STRATA_SECRET_KEY is not configured: webhook secrets cannot be opened');
  const secret = services.secrets.open(Buffer.from(step.sealedSecret, 'base64'));
  const person = await loadPersonRecord(scope, enrolment.personId);
  const sentAt = scope.clock();
  const id = playbookMessageId(enrolment);
  const body = JSON.stringify({
    type: 'playbook.step',
    // When the run reached the step: the same on every attempt, like the webhook-id.
    timestamp: enrolment.updatedAt.toISOString(),
    data: {
      playbook: enrolment.playbookKey,
      version: enrolment.version,
      run: enrolment.id,
      step: enrolment.nextStep,
      cause: enrolment.cause,
      person: person ? { userId: person.columns['user_id'] ?? null, traits: person.traits } : null,
    },
  });
  const response = await services.post({
    url: step.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Strata-Webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, sentAt, body),
    },
    body,
  });
  if (response.status < 200 || response.status > 299) throw new Error(`the webhook ${step.url} answered ${response.status}`);
  return { outcome: 'delivered', detail: { webhookId: id, status: response.status } };
}
