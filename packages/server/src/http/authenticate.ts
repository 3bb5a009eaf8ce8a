import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { permissionsOfScopes, type Permission } from '@strata/core';
import { findApiKeyBySecret, touchApiKey, type ApiKey, type Database } from '@strata/storage';
import { AppError } from './app-error.js';

const touchEveryMs = 60_000;

/**
 * Resolves secrets to keys with one indexed lookup per request and no cache, so a revoked key
 * fails from the next request in every process. A cache would need its own per-request check
 * to learn of revocations in other processes, which costs the same round trip as the lookup.
 */
export class KeyResolver {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
  ) {}

  async resolve(secret: string): Promise<ApiKey | undefined> {
    const key = await findApiKeyBySecret(this.db, secret);
    return this.touch(key, this.now().getTime());
  }

  private touch(key: ApiKey | undefined, now: number): ApiKey | undefined {
    if (key && (this.touched.get(key.id) ?? 0) + touchEveryMs < now) {
      if (this.touched.size > 10_000) this.touched.clear();
      this.touched.set(key.id, now);
      // Usage stamps are informational; a failure to write one must not fail the request.
      touchApiKey(this.db, key, new Date(now)).catch(() => undefined);
    }
    return key;
  }
}

/** The secret of a management call: `Authorization: Bearer <key>`. */
export function bearerSecret(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

/** The write key of an ingestion call: HTTP Basic user name, as Segment does it. */
export function basicUser(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Basic\s+(.+)$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user === '' ? undefined : user;
}

/** Fails unless the key exists and its scopes grant the permission (see `apiKeyScopePermissions` in core). */
export function requireKeyPermission(key: ApiKey | undefined, permission: Permission): ApiKey {
  if (!key) throw new AppError('UNAUTHORIZED', 'missing or unknown API key; send Authorization: Bearer <key>');
  if (!permissionsOfScopes(key.scopes).includes(permission)) {
    throw new AppError('FORBIDDEN', `this key lacks the "${permission}" permission`, { permission });
  }
  return key;
}
