import type { Role } from '@strata/core';
import { isRole } from '@strata/core';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

/** Records an invitation of a user to the scope's workspace; returns the link's token, shown only here. */
export async function createInvitation(
  scope: WorkspaceScope,
  input: { userId: string; role: Role; expiresAt: Date },
): Promise<{ token: string }> {
  const { token, hash } = newSecretToken();
  await scope.db
    .insertInto('user_invitations')
    .values({
      workspace_id: scope.workspaceId,
      invitation_id: uuidv7(),
      user_id: input.userId,
      role: input.role,
      token_hash: hash,
      created_at: scope.clock(),
      expires_at: input.expiresAt,
    })
    .execute();
  return { token };
}

export type TakenInvitation =
  { status: 'taken'; workspaceId: string; userId: string; role: Role } | { status: 'unknown' | 'expired' | 'used' };

/**
 * Marks the invitation with this token accepted, once: of two concurrent takers one wins (the
 * update is conditional on `accepted_at IS NULL`). Works on `db`, so a caller's transaction
 * can undo it if what follows fails.
 */
export async function takeInvitation(db: Kysely<Database>, token: string, at: Date): Promise<TakenInvitation> {
  const hash = hashSecretToken(token);
  const row = await db.selectFrom('user_invitations').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  if (!row) return { status: 'unknown' };
  if (row.accepted_at !== null) return { status: 'used' };
  if (row.expires_at <= at) return { status: 'expired' };
  const taken = await db
    .updateTable('user_invitations')
    .set({ accepted_at: at })
    .where('token_hash', '=', hash)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  if (taken.numUpdatedRows === 0n) return { status: 'used' };
  if (!isRole(row.role)) throw new Error(`user_invitations holds an unknown role "${row.role}"`);
  return { status: 'taken', workspaceId: row.workspace_id, userId: row.user_id, role: row.role };
}
