import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { permissionsOfScopes, rolePermissions, type Permission, type Role } from '@strata/core';
import { findMember, workspaceScope, type ApiKey, type Database, type Session, type WorkspaceScope } from '@strata/storage';
import { AppError } from './app-error.js';
import { basicUser, bearerSecret, type KeyResolver } from './authenticate.js';
import { requireSameOriginWrite } from './same-origin.js';
import { sessionToken, type SessionPolicy } from './session-cookie.js';
import { resolveSession } from './sessions.js';

/**
 * Who made a request, as the audit log records it: a signed-in user or an API key (never the
 * secret). Everything that records an actor takes this type.
 */
export type Actor = { kind: 'user'; id: string; email: string } | { kind: 'key'; id: string; name: string };

/**
 * Who is calling, what they may do, and the scope of their workspace for this request. Exactly
 * one of `key` (an API key) and `session` (a signed-in user, with `role`) is set.
 */
export interface Caller {
  key?: ApiKey;
  session?: Session;
  role?: Role;
  actor: Actor;
  permissions: readonly Permission[];
  scope: WorkspaceScope;
}

/** Authenticates a management request and requires a permission, or throws UNAUTHORIZED / FORBIDDEN. */
export type Authenticated = (request: FastifyRequest, permission: Permission) => Promise<Caller>;

/** Authenticates a request without asking for a permission (who am I, sign out). */
export type Identified = (request: FastifyRequest) => Promise<Caller>;

export interface ManagementAuthDeps {
  keys: () => KeyResolver;
  db: () => Kysely<Database>;
  now: () => Date;
  sessions: SessionPolicy;
  publicUrl: string | undefined;
}

/** Fails with FORBIDDEN, naming the permission, unless the caller holds it. */
export function requirePermission(caller: Caller, permission: Permission): Caller {
  if (caller.permissions.includes(permission)) return caller;
  const who = caller.role ? `your role "${caller.role}"` : 'this key';
  throw new AppError('FORBIDDEN', `${who} lacks the "${permission}" permission`, { permission });
}

/**
 * An API key (Bearer, or HTTP Basic with the key as user name, for servers that already hold a
 * write key) or the session cookie of a signed-in user. A key's permissions come from its
 * scopes, a user's from their role in the session's workspace; both from the one table in core.
 * The request's workspace scope is built here, once: the workspace, the app's database and clock.
 */
export function identifyCaller(deps: ManagementAuthDeps): Identified {
  return async (request) => {
    if (request.headers.authorization !== undefined) {
      const secret = bearerSecret(request) ?? basicUser(request);
      const key = secret ? await deps.keys().resolve(secret) : undefined;
      if (!key) throw new AppError('UNAUTHORIZED', 'missing or unknown API key; send Authorization: Bearer <key>');
      return {
        key,
        actor: { kind: 'key', id: key.id, name: key.name },
        permissions: permissionsOfScopes(key.scopes),
        scope: workspaceScope(deps.db(), key.workspaceId, deps.now),
      };
    }
    const token = sessionToken(request);
    if (token === undefined)
      throw new AppError('UNAUTHORIZED', 'missing credentials; send Authorization: Bearer <key>, or sign in with POST /api/v1/auth/login');
    const db = deps.db();
    const session = await resolveSession(db, token, deps.now(), deps.sessions);
    if (!session) throw new AppError('UNAUTHORIZED', 'your session has ended (signed out, idle or expired); sign in again');
    const scope = workspaceScope(db, session.workspaceId, deps.now);
    const member = await findMember(scope, session.userId);
    if (!member) throw new AppError('UNAUTHORIZED', 'you are no longer a member of this workspace; sign in again');
    // After the session is known to be live: a stale cookie answers 401, not a CSRF 403.
    requireSameOriginWrite(request, deps.publicUrl);
    return {
      session,
      role: member.role,
      actor: { kind: 'user', id: session.userId, email: session.email },
      permissions: rolePermissions[member.role],
      scope,
    };
  };
}

/** The one permission hook every management route calls: `await deps.auth(request, 'segments:write')`. */
export function managementAuth(identify: Identified): Authenticated {
  return async (request, permission) => requirePermission(await identify(request), permission);
}
