import { sql } from 'kysely';
import type { EmailSuppressionReason } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** An address on the suppression list. */
export interface EmailSuppression {
  email: string;
  reason: EmailSuppressionReason;
  createdAt: Date;
}

/** Addresses are compared lower-cased: mail systems treat them so in practice. */
export const normalEmail = (email: string) => email.trim().toLowerCase();

/**
 * Puts an address on the list; an address already there keeps its first reason, but a bounce or
 * manual entry replaces `unsubscribed` (it stops transactional email too). Answers whether it changed.
 */
export async function suppressEmail(scope: WorkspaceScope, email: string, reason: EmailSuppressionReason): Promise<boolean> {
  const result = await sql<{ email: string }>`
    INSERT INTO email_suppressions (workspace_id, email, reason, created_at)
    VALUES (${scope.workspaceId}, ${normalEmail(email)}, ${reason}, ${scope.clock()})
    ON CONFLICT (workspace_id, email) DO UPDATE SET reason = excluded.reason
      WHERE email_suppressions.reason = 'unsubscribed' AND excluded.reason <> 'unsubscribed'
    RETURNING email`.execute(scope.db);
  return result.rows.length > 0;
}

export async function findEmailSuppression(scope: WorkspaceScope, email: string): Promise<EmailSuppression | undefined> {
  const row = await scope.db
    .selectFrom('email_suppressions')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('email', '=', normalEmail(email))
    .executeTakeFirst();
  return row && { email: row.email, reason: row.reason, createdAt: row.created_at };
}

export async function listEmailSuppressions(scope: WorkspaceScope, limit: number): Promise<EmailSuppression[]> {
  const rows = await scope.db
    .selectFrom('email_suppressions')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('email')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ email: r.email, reason: r.reason, createdAt: r.created_at }));
}

export async function deleteEmailSuppression(scope: WorkspaceScope, email: string): Promise<boolean> {
  const result = await scope.db
    .deleteFrom('email_suppressions')
    .where('workspace_id', '=', scope.workspaceId)
    .where('email', '=', normalEmail(email))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
