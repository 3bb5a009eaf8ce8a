import { quietHoursEnd, zonesOf, type PlaybookDefinition, type PlaybookStep } from '@strata/core';
import {
  findEmailSuppression,
  findOutboxEmail,
  insertOutboxEmail,
  listMarketingEmailTimes,
  loadPersonRecord,
  lockPersonEmail,
  readEmailSettings,
  requeueOutboxEmail,
  type PlaybookEnrolment,
  type WorkspaceScope,
} from '@strata/storage';
import { composeEmail, type LinkSigning } from '../email/index.js';
import { workspaceTimezone } from '../health/index.js';
import { enqueue, type TaskServices } from '../jobs/index.js';
import { deliverPlaybookEmailTask } from './deliver-playbook-email.js';

type EmailStep = Extract<PlaybookStep, { type: 'email' | 'survey' }>;

/** What the step's transaction decided: record an outcome and go on, or hold the run (a send pending, or delayed). */
export type EmailStepResult = { kind: 'recorded'; outcome: string; detail: unknown } | { kind: 'paused'; until?: Date };

/**
 * An email or survey step, in the step's transaction (the enrolment is locked). The outbox row
 * is the step's idempotency key (run and step path): it is written here with a delivery job, and
 * the run stays at the step until the job has sent it, so a delivery that fails for good fails
 * the run at this step, and a retry of the run sends the same email again.
 *
 * Marketing email (not `transactional`) waits out quiet hours and the frequency cap, both by
 * delaying the run; unsubscribed addresses get none (`suppressed`). Bounced and manually
 * suppressed addresses get no email at all.
 */
export async function runEmailStep(
  tx: WorkspaceScope,
  run: { enrolment: PlaybookEnrolment; step: EmailStep; path: string; definition: PlaybookDefinition; links: LinkSigning | undefined },
): Promise<EmailStepResult> {
  const { enrolment, step, path, definition } = run;
  const existing = await findOutboxEmail(tx, enrolment.id, path);
  if (existing?.status === 'sent')
    return {
      kind: 'recorded',
      outcome: 'sent',
      detail: { to: existing.to, messageId: emailMessageId(tx.workspaceId, enrolment.id, path) },
    };
  if (existing?.status === 'suppressed')
    return { kind: 'recorded', outcome: 'suppressed', detail: { to: existing.to, reason: 'suppressed before it was sent' } };
  if (existing) {
    // Pending or sending: its delivery job exists (it was queued with the row). Failed: a retried run sends it again.
    if (existing.status === 'failed') {
      await requeueOutboxEmail(tx, enrolment.id, path);
      await scheduleDelivery(tx, enrolment.id, path);
    }
    return { kind: 'paused' };
  }
  const settings = await readEmailSettings(tx);
  if (!settings) throw new Error('no email settings: configure the SMTP server with PUT /api/v1/settings/email, then retry the run');
  if (!run.links) throw new Error('STRATA_SECRET_KEY is not configured: unsubscribe links cannot be signed');
  const person = await loadPersonRecord(tx, enrolment.personId);
  if (!person) throw new Error(`the person ${enrolment.personId} of enrolment ${enrolment.id} no longer exists`);
  const composed = await composeEmail({ workspaceId: tx.workspaceId, step, person, cause: enrolment.cause, now: tx.clock() }, run.links);
  if (composed.kind === 'no-address') return { kind: 'recorded', outcome: 'skipped', detail: { reason: composed.reason } };
  const transactional = step.type === 'email' && step.transactional === true;
  const suppression = await findEmailSuppression(tx, composed.to);
  if (suppression && (suppression.reason !== 'unsubscribed' || !transactional))
    return { kind: 'recorded', outcome: 'suppressed', detail: { to: composed.to, reason: suppression.reason } };
  if (!transactional) {
    if (definition.quietHours) {
      const zone = zonesOf({ target: 'person', record: person }, await workspaceTimezone(tx)).customer;
      const end = quietHoursEnd(tx.clock(), definition.quietHours, zone);
      if (end) return { kind: 'paused', until: end };
    }
    const cap = definition.frequencyCap ?? settings.frequencyCap;
    if (cap) {
      // Held to the end of this transaction: a second playbook's send to this person waits and then counts this one.
      await lockPersonEmail(tx, enrolment.personId);
      const windowMs = cap.days * 86_400_000;
      const sent = await listMarketingEmailTimes(tx, enrolment.personId, new Date(tx.clock().getTime() - windowMs));
      if (sent.length >= cap.max) {
        // The cap frees when the oldest email that keeps it full leaves the window.
        const frees = new Date(sent[sent.length - cap.max]!.getTime() + windowMs + 1000);
        return { kind: 'paused', until: frees };
      }
    }
  }
  await insertOutboxEmail(tx, {
    enrolmentId: enrolment.id,
    stepPath: path,
    personId: enrolment.personId,
    playbookKey: enrolment.playbookKey,
    to: composed.to,
    message: composed.message,
    transactional,
  });
  await scheduleDelivery(tx, enrolment.id, path);
  return { kind: 'paused' };
}

/** The Message-ID of a run's step email: the same on every attempt, so receivers can drop a repeat. */
export function emailMessageId(workspaceId: string, enrolmentId: string, path: string): string {
  return `<strata.${workspaceId}.${enrolmentId}.${path}@playbooks.strata>`;
}

async function scheduleDelivery(tx: WorkspaceScope, enrolmentId: string, path: string): Promise<void> {
  await enqueue(
    tx.db,
    deliverPlaybookEmailTask,
    { workspaceId: tx.workspaceId, enrolmentId, stepPath: path },
    { key: `playbook-email:${enrolmentId}:${path}` },
  );
}

/** The key and base URL links are built with; undefined while STRATA_SECRET_KEY is not configured. */
export function linkSigningOf(services: TaskServices): LinkSigning | undefined {
  const linkKey = services.secrets?.linkKey;
  return linkKey ? { linkKey, publicUrl: services.publicUrl ?? 'http://127.0.0.1' } : undefined;
}
