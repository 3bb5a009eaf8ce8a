import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../schema.js';

export const apiKeyScopes = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

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
  db: Kysely<Database>,
  input: { workspaceId: string; name: string; scopes: ApiKeyScope[]; secret?: string },
): Promise<{ key: ApiKey; secret: string }> {
  const prefix = input.scopes.includes('admin') ? 'sk_admin_' : input.scopes.includes('read') ? 'sk_read_' : 'wk_';
  const secret = input.secret ?? `${prefix}${randomBytes(24).toString('base64url')}`;
  if (secret.length < minimumSecretLength) throw new Error(`an API key must be at least ${minimumSecretLength} characters`);
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: input.workspaceId,
      key_id: uuidv7(),
      name: input.name,
      prefix: secret.slice(0, 12),
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

export async function listApiKeys(db: Kysely<Database>, workspaceId: string): Promise<ApiKey[]> {
  const rows = await db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
  return rows.map(toApiKey);
}

/** Revokes a key by id or by its shown prefix; returns whether one was revoked. */
export async function revokeApiKey(db: Kysely<Database>, workspaceId: string, idOrPrefix: string): Promise<boolean> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where(isUuid ? 'key_id' : 'prefix', '=', idOrPrefix)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function touchApiKey(db: Kysely<Database>, key: ApiKey, at: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('workspace_id', '=', key.workspaceId)
    .where('key_id', '=', key.id)
    .execute();
}
