import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { workspaceScope, type ApiKey, type ApiKeyScope, type Database, type WorkspaceScope } from '@strata/storage';
import { basicUser, bearerSecret, requireScope, type KeyResolver } from './authenticate.js';

/** The key a management request authenticated with, and the scope of its workspace for this request. */
export interface Caller {
  key: ApiKey;
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
    return { key, scope: workspaceScope(db(), key.workspaceId, now) };
  };
}
