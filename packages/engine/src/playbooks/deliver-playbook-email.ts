import { z } from 'zod';
import {
  claimOutboxEmail,
  findEmailSuppression,
  findOutboxEmail,
  inWorkspaceTransaction,
  lockEnrolment,
  moveEnrolment,
  readEmailSettings,
  recordOutboxAttempt,
  workspaceScope,
  type EmailSettings,
  type OutboxEmail,
} from '@strata/storage';
import { smtpTransport } from '../email/index.js';
import type { Task, TaskServices } from '../jobs/index.js';
import { scheduleEnrolment } from './advance-enrolment.js';
import { emailMessageId } from './playbook-email-step.js';

/** Attempts before an email is dead-lettered (its run `failed`, retryable): about 45 minutes of backoff. */
export const emailDeliveryAttempts = 8;

/**
 * How long a `sending` claim holds against a delivery that is not a later attempt of the claiming
 * job. The claiming attempt may be alive and still talking to a slow SMTP server: the transport
 * gives up on one silent for 30 s (email-transport.ts), but one that answers each command slowly
 * keeps a send going longer. Ten minutes is far past any send that still ends; a claim older
 * than that is taken to be lost, and the email is sent again.
 */
export const staleEmailClaimMs = 10 * 60_000;

/**
 * Sends one outbox email through the workspace's SMTP server, in three steps, none holding a
 * transaction open while the server answers (an open transaction holds back the xmin that every
 * change subscriber reads up to): a transaction claims the email (`sending`) and commits; the send;
 * a second transaction marks it sent and queues its run, which records the step and goes on.
 *
 * At least once, under one Message-ID, so receivers can drop a repeat: a `sending` email is claimed
 * and sent again by a later attempt of its job (graphile-worker starts one only after the claiming
 * attempt failed or lost its lock lease: its process crashed or stalled) or, by anyone, once the
 * claim is older than `staleEmailClaimMs`. A crash after the SMTP server accepted the message and
 * before the second transaction commits sends it again that way.
 */
export const deliverPlaybookEmailTask: Task<{ workspaceId: string; enrolmentId: string; stepPath: string }> = {
  name: 'deliver-playbook-email',
  payload: z.object({ workspaceId: z.string(), enrolmentId: z.string(), stepPath: z.string() }),
  maxAttempts: emailDeliveryAttempts,
  async run({ workspaceId, enrolmentId, stepPath }, { db, now, services, attempt, lastAttempt }) {
    const scope = workspaceScope(db, workspaceId, now);
    const claimed = await inWorkspaceTransaction(scope, async (tx) => {
      // Locked for the claim only: two attempts at once claim one after the other, and the second sees the first's claim.
      const email = await findOutboxEmail(tx, enrolmentId, stepPath, { lock: true });
      if (!email || !claimable(email, attempt, tx.clock())) return undefined;
      // The suppression list is checked again right before the send: an unsubscribe since the step counts.
      const suppression = await findEmailSuppression(tx, email.to);
      if (suppression && (suppression.reason !== 'unsubscribed' || !email.transactional)) {
        await recordOutboxAttempt(tx, enrolmentId, stepPath, { status: 'suppressed', error: null });
        await scheduleEnrolment(tx, enrolmentId);
        return undefined;
      }
      await claimOutboxEmail(tx, enrolmentId, stepPath, attempt);
      return { email, settings: await readEmailSettings(tx) };
    });
    if (!claimed) return;
    const { email, settings } = claimed;
    let error: string;
    try {
      await send(email, settings, services.secrets, emailMessageId(workspaceId, enrolmentId, stepPath));
      await inWorkspaceTransaction(scope, async (tx) => {
        await recordOutboxAttempt(tx, enrolmentId, stepPath, { status: 'sent', error: null });
        await scheduleEnrolment(tx, enrolmentId);
      });
      return;
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    await inWorkspaceTransaction(scope, async (tx) => {
      // Only this attempt's own claim is set back: a later attempt that took the email over owns it now.
      const current = await findOutboxEmail(tx, enrolmentId, stepPath, { lock: true });
      if (current?.status !== 'sending' || current.claimedAttempt !== attempt) return;
      await recordOutboxAttempt(tx, enrolmentId, stepPath, { status: lastAttempt ? 'failed' : 'pending', error });
      if (!lastAttempt) return;
      // Dead-lettered: the run fails at this step, listed with ?status=failed and retried from it.
      const enrolment = await lockEnrolment(tx, enrolmentId);
      if (enrolment?.status === 'active' && enrolment.nextStep === stepPath)
        await moveEnrolment(tx, enrolmentId, {
          status: 'failed',
          nextStep: stepPath,
          error: `the email to ${email.to} was not delivered: ${error}`,
        });
    });
    throw new Error(`playbook email of run ${enrolmentId} step ${stepPath}: ${error}`);
  },
};

/**
 * Whether this attempt may send the email: it waits to be sent (`pending`), or it is `sending` for
 * an attempt that is over (an earlier attempt of the job) or for longer than the stale limit.
 */
function claimable(email: OutboxEmail, attempt: number, now: Date): boolean {
  if (email.status === 'pending') return true;
  if (email.status !== 'sending') return false;
  if (email.claimedAttempt !== null && email.claimedAttempt < attempt) return true;
  return email.claimedAt === null || now.getTime() - email.claimedAt.getTime() > staleEmailClaimMs;
}

async function send(
  email: OutboxEmail,
  settings: EmailSettings | undefined,
  secrets: TaskServices['secrets'],
  messageId: string,
): Promise<void> {
  if (!settings) throw new Error('no email settings: configure the SMTP server with PUT /api/v1/settings/email');
  if (settings.sealedPassword !== null && !secrets)
    throw new Error('STRATA_SECRET_KEY is not configured: the SMTP password cannot be opened');
  const password = settings.sealedPassword === null ? null : secrets!.open(Buffer.from(settings.sealedPassword, 'base64'));
  const transport = smtpTransport({ host: settings.host, port: settings.port, secure: settings.secure, user: settings.user, password });
  try {
    await transport.sendMail({
      from: settings.from,
      to: email.to,
      subject: email.message.subject,
      text: email.message.text,
      ...(email.message.html !== null ? { html: email.message.html } : {}),
      headers: email.message.headers,
      messageId,
    });
  } finally {
    transport.close();
  }
}
