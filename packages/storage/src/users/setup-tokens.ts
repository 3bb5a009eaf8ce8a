import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

/**
 * Creates the one-time setup token of a workspace unless one exists; returns it only when it was
 * created here, so it is printed once even when several processes start together.
 */
export async function createSetupToken(db: Kysely<Database>, workspaceId: string): Promise<string | undefined> {
  const existing = await db.selectFrom('setup_tokens').select('token_hash').limit(1).executeTakeFirst();
  if (existing) return undefined;
  const { token, hash } = newSecretToken();
  await db.insertInto('setup_tokens').values({ token_hash: hash, workspace_id: workspaceId }).execute();
  return token;
}

/** Deletes the setup token with this token and answers its workspace; undefined when unknown (or already used). */
export async function takeSetupToken(db: Kysely<Database>, token: string): Promise<string | undefined> {
  const row = await db
    .deleteFrom('setup_tokens')
    .where('token_hash', '=', hashSecretToken(token))
    .returning('workspace_id')
    .executeTakeFirst();
  return row?.workspace_id;
}

/** Forgets every setup token: once an owner exists, no link may create another. */
export async function deleteSetupTokens(db: Kysely<Database>): Promise<void> {
  await db.deleteFrom('setup_tokens').execute();
}
