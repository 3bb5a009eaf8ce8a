import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Role } from '@strata/core';
import { createSession, deleteSessionByToken, deleteStaleSessions, findWorkspaceById, type Database } from '@strata/storage';
import { setSessionCookie, sessionToken, type SessionPolicy } from '../../http/session-cookie.js';

export interface SignInDeps {
  db: () => Kysely<Database>;
  now: () => Date;
  sessions: SessionPolicy;
  publicUrl: string | undefined;
}

/**
 * Starts a fresh session for a user in a workspace and sets its cookie. Any session cookie the
 * browser sent along is ended first: a token planted before sign-in (session fixation) never
 * becomes a signed-in session. Answers what `POST /auth/login` answers.
 */
export async function signIn(
  deps: SignInDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  who: { user: { id: string; email: string }; workspaceId: string; role: Role },
) {
  const db = deps.db();
  const at = deps.now();
  const presented = sessionToken(request);
  if (presented !== undefined) await deleteSessionByToken(db, presented);
  await deleteStaleSessions(db, who.user.id, at, new Date(at.getTime() - deps.sessions.idleMs));
  const { token } = await createSession(db, {
    workspaceId: who.workspaceId,
    userId: who.user.id,
    at,
    expiresAt: new Date(at.getTime() + deps.sessions.absoluteMs),
  });
  setSessionCookie(request, reply, token, { publicUrl: deps.publicUrl, policy: deps.sessions });
  const workspace = await findWorkspaceById(db, who.workspaceId);
  if (!workspace) throw new Error(`workspace ${who.workspaceId} vanished during sign-in`);
  return { user: { id: who.user.id, email: who.user.email }, workspace: { id: workspace.id, slug: workspace.slug }, role: who.role };
}
