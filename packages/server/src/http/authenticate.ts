import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { findApiKeyBySecret, touchApiKey, type ApiKey, type ApiKeyScope, type Database } from '@strata/storage';
import { AppError } from './app-error.js';

const cacheMs = 10_000;
const touchEveryMs = 60_000;

/**
 * Resolves secrets to keys with a short cache, so ingestion does not look the key up per request.
 * A revoked key stops working within the cache period (10 s).
 */
export class KeyResolver {
  private readonly cache = new Map<string, { key: ApiKey | undefined; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
  ) {}

  async resolve(secret: string): Promise<ApiKey | undefined> {
    const now = this.now().getTime();
    const cached = this.cache.get(secret);
    if (cached && cached.until > now) return this.touch(cached.key, now);
    const key = await findApiKeyBySecret(this.db, secret);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(secret, { key, until: now + cacheMs });
    return this.touch(key, now);
  }

  private touch(key: ApiKey | undefined, now: number): ApiKey | undefined {
    if (key && (this.touched.get(key.id) ?? 0) + touchEveryMs < now) {
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

/** Fails unless the key exists and holds one of the scopes (admin holds all). */
export function requireScope(key: ApiKey | undefined, scope: ApiKeyScope): ApiKey {
  if (!key) throw new AppError('UNAUTHORIZED', 'missing or unknown API key; send Authorization: Bearer <key>');
  if (!key.scopes.includes(scope) && !key.scopes.includes('admin')) {
    throw new AppError('FORBIDDEN', `this key lacks the "${scope}" scope`);
  }
  return key;
}
