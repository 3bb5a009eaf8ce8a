import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../schema.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

/** A signed-in user in one workspace. The cookie's token is never stored, only its hash. */
export interface Session {
  id: string;
  workspaceId: string;
  userId: string;
  email: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute end, however active the session is. */
  expiresAt: Date;
}

/** Starts a session; returns the token for the cookie, shown only here. */
export async function createSession(
  db: Kysely<Database>,
  input: { workspaceId: string; userId: string; at: Date; expiresAt: Date },
): Promise<{ token: string; sessionId: string }> {
  const { token, hash } = newSecretToken();
  const sessionId = uuidv7();
  await db
    .insertInto('user_sessions')
    .values({
      workspace_id: input.workspaceId,
      session_id: sessionId,
      user_id: input.userId,
      token_hash: hash,
      created_at: input.at,
      last_seen_at: input.at,
      expires_at: input.expiresAt,
    })
    .execute();
  return { token, sessionId };
}

/** The session with this token, expired or not (the caller applies the timeouts). */
export async function findSessionByToken(db: Kysely<Database>, token: string): Promise<Session | undefined> {
  const row = await db
    .selectFrom('user_sessions as s')
    .innerJoin('users as u', 'u.user_id', 's.user_id')
    .select(['s.session_id', 's.workspace_id', 's.user_id', 'u.email', 's.created_at', 's.last_seen_at', 's.expires_at'])
    .where('s.token_hash', '=', hashSecretToken(token))
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.session_id,
    workspaceId: row.workspace_id,
    userId: row.user_id,
    email: row.email,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export async function touchSession(db: Kysely<Database>, session: Session, at: Date): Promise<void> {
  await db
    .updateTable('user_sessions')
    .set({ last_seen_at: at })
    .where('workspace_id', '=', session.workspaceId)
    .where('session_id', '=', session.id)
    .execute();
}

/** Ends the session with this token, if any (sign-out, or a cookie presented at sign-in). */
export async function deleteSessionByToken(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('user_sessions').where('token_hash', '=', hashSecretToken(token)).execute();
}

/** Ends every session of a user, in every workspace (sign-out everywhere, a new password). */
export async function deleteUserSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db.deleteFrom('user_sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Drops a user's sessions past their absolute end or idle since before `idleSince`. */
export async function deleteStaleSessions(db: Kysely<Database>, userId: string, at: Date, idleSince: Date): Promise<void> {
  await db
    .deleteFrom('user_sessions')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('expires_at', '<=', at), eb('last_seen_at', '<', idleSince)]))
    .execute();
}
