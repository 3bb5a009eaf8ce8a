import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { workspaceScope, type ApiKey, type ApiKeyScope, type Database, type WorkspaceScope } from '@strata/storage';
import { basicUser, bearerSecret, requireScope, type KeyResolver } from './authenticate.js';

/**
 * Who made a request, as the audit log records it: a signed-in user or an API key (never the
 * secret). Sessions add the `user` kind; everything that records an actor takes this type.
 */
export type Actor = { kind: 'user'; id: string; email: string } | { kind: 'key'; id: string; name: string };

/** The key a management request authenticated with, who that is, and the scope of its workspace for this request. */
export interface Caller {
  key: ApiKey;
  actor: Actor;
  scope: WorkspaceScope;
}

/** Authenticates a management request for a scope, or throws UNAUTHORIZED / FORBIDDEN. */
export type Authenticated = (request: FastifyRequest, scope: ApiKeyScope) => Promise<Caller>;

/**
 * Bearer, or (for servers that already hold a write key) HTTP Basic with the key as user name.
 * The request's workspace scope is built here, once: the key's workspace, the app's database
 * and the app's clock.
 */
export function managementAuth(keys: () => KeyResolver, db: () => Kysely<Database>, now: () => Date): Authenticated {
  return async (request, scope) => {
    const secret = bearerSecret(request) ?? basicUser(request);
    const key = requireScope(secret ? await keys().resolve(secret) : undefined, scope);
    return { key, actor: { kind: 'key', id: key.id, name: key.name }, scope: workspaceScope(db(), key.workspaceId, now) };
  };
}
