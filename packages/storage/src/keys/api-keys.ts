import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../schema.js';
import type { ApiKeyScope } from '@strata/core';
import type { WorkspaceScope } from '../workspace-scope.js';

// The scopes are declared once, beside the permissions they grant (core/access).
export { apiKeyScopes, type ApiKeyScope } from '@strata/core';

/** An API key as listed: never the secret, which is shown once at creation. */
export interface ApiKey {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Keys must carry enough entropy that a fast hash is safe to store. */
export const minimumSecretLength = 24;

/** The type markers generated keys begin with; they tell what a key is for and are not secret. */
const apiKeyMarkers = ['sk_admin_', 'sk_read_', 'wk_'] as const;

/** Characters of the secret itself that the stored prefix keeps, after any type marker. */
const apiKeyPrefixSecretChars = 4;

/**
 * What is stored and listed to recognise a key: its type marker and the first 4 characters after
 * it (24 of a generated key's 192 random bits; at most 4 characters of a chosen bootstrap key).
 */
export function apiKeyPrefix(secret: string): string {
  const marker = apiKeyMarkers.find((m) => secret.startsWith(m)) ?? '';
  return secret.slice(0, marker.length + apiKeyPrefixSecretChars);
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function toApiKey(row: {
  key_id: string;
  workspace_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKey {
  return {
    id: row.key_id,
    workspaceId: row.workspace_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ApiKeyScope[],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Creates a key; returns the secret once. A given `secret` (bootstrap keys) is used as is. */
export async function createApiKey(
  scope: WorkspaceScope,
  input: { name: string; scopes: ApiKeyScope[]; secret?: string },
): Promise<{ key: ApiKey; secret: string }> {
  const { db, workspaceId } = scope;
  const prefix = input.scopes.includes('admin') ? 'sk_admin_' : input.scopes.includes('read') ? 'sk_read_' : 'wk_';
  const secret = input.secret ?? `${prefix}${randomBytes(24).toString('base64url')}`;
  if (secret.length < minimumSecretLength) throw new Error(`an API key must be at least ${minimumSecretLength} characters`);
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: workspaceId,
      key_id: uuidv7(),
      name: input.name,
      prefix: apiKeyPrefix(secret),
      secret_hash: hashSecret(secret),
      scopes: input.scopes,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key: toApiKey(row), secret };
}

/** The live (not revoked) key with this secret. */
export async function findApiKeyBySecret(db: Kysely<Database>, secret: string): Promise<ApiKey | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('secret_hash', '=', hashSecret(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? toApiKey(row) : undefined;
}

export async function listApiKeys(scope: WorkspaceScope): Promise<ApiKey[]> {
  const { db, workspaceId } = scope;
  const rows = await db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
  return rows.map(toApiKey);
}

/**
 * Revokes a key by id, or by its shown prefix when exactly one live key of the workspace has it
 * (prefixes are short, so two keys may share one: then nothing is revoked and the id is needed).
 */
export async function revokeApiKey(scope: WorkspaceScope, idOrPrefix: string): Promise<'revoked' | 'not-found' | 'ambiguous'> {
  const { db, workspaceId } = scope;
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrPrefix);
  const live = await db
    .selectFrom('api_keys')
    .select('key_id')
    .where('workspace_id', '=', workspaceId)
    .where(isUuid ? 'key_id' : 'prefix', '=', idOrPrefix)
    .where('revoked_at', 'is', null)
    .limit(2)
    .execute();
  if (live.length === 0) return 'not-found';
  if (live.length > 1) return 'ambiguous';
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: scope.clock() })
    .where('workspace_id', '=', workspaceId)
    .where('key_id', '=', live[0]!.key_id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? 'revoked' : 'not-found';
}

export async function touchApiKey(db: Kysely<Database>, key: ApiKey, at: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('workspace_id', '=', key.workspaceId)
    .where('key_id', '=', key.id)
    .execute();
}
