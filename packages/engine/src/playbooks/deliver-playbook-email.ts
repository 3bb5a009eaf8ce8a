import { z } from 'zod';
import {
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
 * Sends one outbox email through the workspace's SMTP server, then, in one transaction, marks it
 * sent and queues its run, which records the step and goes on. At most once but for one window:
 * a crash after the SMTP server accepted the message and before that transaction commits sends
 * it again on the next attempt, under the same Message-ID, so receivers can drop the repeat.
 */
export const deliverPlaybookEmailTask: Task<{ workspaceId: string; enrolmentId: string; stepPath: string }> = {
  name: 'deliver-playbook-email',
  payload: z.object({ workspaceId: z.string(), enrolmentId: z.string(), stepPath: z.string() }),
  maxAttempts: emailDeliveryAttempts,
  async run({ workspaceId, enrolmentId, stepPath }, { db, now, services, lastAttempt }) {
    const scope = workspaceScope(db, workspaceId, now);
    // The row stays locked while the SMTP server takes the message, so a second job for the same
    // email (a retry racing a late first attempt) waits, then finds it sent and sends nothing.
    const attempt = await inWorkspaceTransaction(scope, async (tx) => {
      const email = await findOutboxEmail(tx, enrolmentId, stepPath, { lock: true });
      if (email?.status !== 'pending') return undefined;
      // The suppression list is checked again right before the send: an unsubscribe since the step counts.
      const suppression = await findEmailSuppression(tx, email.to);
      if (suppression && (suppression.reason !== 'unsubscribed' || !email.transactional)) {
        await recordOutboxAttempt(tx, enrolmentId, stepPath, { status: 'suppressed', error: null });
        await scheduleEnrolment(tx, enrolmentId);
        return undefined;
      }
      try {
        await send(email, await readEmailSettings(tx), services.secrets, emailMessageId(workspaceId, enrolmentId, stepPath));
      } catch (failure) {
        return { to: email.to, error: failure instanceof Error ? failure.message : String(failure) };
      }
      await recordOutboxAttempt(tx, enrolmentId, stepPath, { status: 'sent', error: null });
      await scheduleEnrolment(tx, enrolmentId);
      return undefined;
    });
    if (!attempt) return;
    const { to, error } = attempt;
    await inWorkspaceTransaction(scope, async (tx) => {
      await recordOutboxAttempt(tx, enrolmentId, stepPath, { status: lastAttempt ? 'failed' : 'pending', error });
      if (!lastAttempt) return;
      // Dead-lettered: the run fails at this step, listed with ?status=failed and retried from it.
      const enrolment = await lockEnrolment(tx, enrolmentId);
      if (enrolment?.status === 'active' && enrolment.nextStep === stepPath)
        await moveEnrolment(tx, enrolmentId, {
          status: 'failed',
          nextStep: stepPath,
          error: `the email to ${to} was not delivered: ${error}`,
        });
    });
    throw new Error(`playbook email of run ${enrolmentId} step ${stepPath}: ${error}`);
  },
};

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
