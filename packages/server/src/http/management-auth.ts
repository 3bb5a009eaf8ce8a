import type { FastifyRequest } from 'fastify';
import type { ApiKey, ApiKeyScope } from '@strata/storage';
import { basicUser, bearerSecret, requireScope, type KeyResolver } from './authenticate.js';

/** Authenticates a management request for a scope, or throws UNAUTHORIZED / FORBIDDEN. */
export type Authenticated = (request: FastifyRequest, scope: ApiKeyScope) => Promise<ApiKey>;

/** Bearer, or (for servers that already hold a write key) HTTP Basic with the key as user name. */
export function managementAuth(keys: () => KeyResolver): Authenticated {
  return async (request, scope) => {
    const secret = bearerSecret(request) ?? basicUser(request);
    return requireScope(secret ? await keys().resolve(secret) : undefined, scope);
  };
}
