import { sql, type Kysely } from 'kysely';
import type { Database, EmailOutboxStatus } from '../schema.js';
import { forEachWorkspace, type WorkspaceScope } from '../workspace-scope.js';

/** A rendered email as the outbox keeps it: exactly what every attempt sends. */
export interface OutboxMessage {
  subject: string;
  text: string;
  html: string | null;
  /** Extra headers, such as List-Unsubscribe. */
  headers: Record<string, string>;
}

/** One email of a run's step; (enrolmentId, stepPath) is its idempotency key. */
export interface OutboxEmail {
  enrolmentId: string;
  stepPath: string;
  personId: string;
  playbookKey: string;
  to: string;
  message: OutboxMessage;
  transactional: boolean;
  status: EmailOutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** When the attempt that set `sending` claimed it, and that attempt's number; null before any claim. */
  claimedAt: Date | null;
  claimedAttempt: number | null;
}

/** Adds a step's email in the caller's transaction; false when the step's email exists already. */
export async function insertOutboxEmail(
  scope: WorkspaceScope,
  email: Omit<OutboxEmail, 'status' | 'attempts' | 'lastError' | 'createdAt' | 'sentAt' | 'claimedAt' | 'claimedAttempt'>,
): Promise<boolean> {
  const row = await scope.db
    .insertInto('email_outbox')
    .values({
      workspace_id: scope.workspaceId,
      enrolment_id: email.enrolmentId,
      step_path: email.stepPath,
      person_id: email.personId,
      playbook_key: email.playbookKey,
      to_address: email.to,
      message: JSON.stringify(email.message),
      transactional: email.transactional,
      status: 'pending',
      created_at: scope.clock(),
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'enrolment_id', 'step_path']).doNothing())
    .returning('step_path')
    .executeTakeFirst();
  return row !== undefined;
}

/** The step's email, locked for the caller's transaction with `lock`. */
export async function findOutboxEmail(
  scope: WorkspaceScope,
  enrolmentId: string,
  stepPath: string,
  options: { lock?: boolean } = {},
): Promise<OutboxEmail | undefined> {
  let query = scope.db
    .selectFrom('email_outbox')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', '=', enrolmentId)
    .where('step_path', '=', stepPath);
  if (options.lock) query = query.forUpdate();
  const r = await query.executeTakeFirst();
  return (
    r && {
      enrolmentId: String(r.enrolment_id),
      stepPath: r.step_path,
      personId: r.person_id,
      playbookKey: r.playbook_key,
      to: r.to_address,
      message: r.message as OutboxMessage,
      transactional: r.transactional,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
      claimedAt: r.claimed_at,
      claimedAttempt: r.claimed_attempt,
    }
  );
}

/**
 * Claims the email for a delivery attempt (`sending`), in a transaction of its own that commits
 * before the send, so that no transaction stays open while the SMTP server answers.
 */
export async function claimOutboxEmail(scope: WorkspaceScope, enrolmentId: string, stepPath: string, attempt: number): Promise<void> {
  await scope.db
    .updateTable('email_outbox')
    .set({ status: 'sending', claimed_at: scope.clock(), claimed_attempt: attempt })
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', '=', enrolmentId)
    .where('step_path', '=', stepPath)
    .execute();
}

/** Records an attempt: `sent` (with when), a failure that retries (`pending`) or the last (`failed`). */
export async function recordOutboxAttempt(
  scope: WorkspaceScope,
  enrolmentId: string,
  stepPath: string,
  outcome: { status: EmailOutboxStatus; error: string | null },
): Promise<void> {
  await scope.db
    .updateTable('email_outbox')
    .set((eb) => ({
      status: outcome.status,
      last_error: outcome.error,
      attempts: eb('attempts', '+', 1),
      sent_at: outcome.status === 'sent' ? scope.clock() : null,
    }))
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', '=', enrolmentId)
    .where('step_path', '=', stepPath)
    .execute();
}

/** Sets a failed email back to pending, for a retried run. */
export async function requeueOutboxEmail(scope: WorkspaceScope, enrolmentId: string, stepPath: string): Promise<void> {
  await scope.db
    .updateTable('email_outbox')
    .set({ status: 'pending' })
    .where('workspace_id', '=', scope.workspaceId)
    .where('enrolment_id', '=', enrolmentId)
    .where('step_path', '=', stepPath)
    .where('status', '=', 'failed')
    .execute();
}

/**
 * Serialises every send decision about one person until the caller's transaction ends, so two
 * playbooks reserving a send at once count each other's email against the frequency cap.
 */
export async function lockPersonEmail(scope: WorkspaceScope, personId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`email:${scope.workspaceId}:${personId}`}, 0))`.execute(scope.db);
}

/** When each marketing email to the person since `since` was reserved (pending, sending or sent), oldest first. */
export async function listMarketingEmailTimes(scope: WorkspaceScope, personId: string, since: Date): Promise<Date[]> {
  const rows = await scope.db
    .selectFrom('email_outbox')
    .select('created_at')
    .where('workspace_id', '=', scope.workspaceId)
    .where('person_id', '=', personId)
    .where('transactional', '=', false)
    .where('status', 'in', ['pending', 'sending', 'sent'])
    .where('created_at', '>', since)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.created_at);
}

/** Emails by outbox status over every workspace: counters for `/metrics`. */
export async function countOutboxEmails(db: Kysely<Database>): Promise<Record<EmailOutboxStatus, number>> {
  const counts: Record<EmailOutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, suppressed: 0 };
  await forEachWorkspace(
    db,
    () => new Date(0),
    async ({ db: scoped, workspaceId }) => {
      const rows = await sql<{ status: EmailOutboxStatus; n: number }>`
        SELECT status, count(*)::int AS n FROM email_outbox WHERE workspace_id = ${workspaceId} GROUP BY status`.execute(scoped);
      for (const row of rows.rows) counts[row.status] += row.n;
    },
  );
  return counts;
}
