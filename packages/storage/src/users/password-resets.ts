import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

/** Records a single-use reset for a user; returns the link's token, shown only here. */
export async function createPasswordReset(
  db: Kysely<Database>,
  input: { userId: string; at: Date; expiresAt: Date },
): Promise<{ token: string }> {
  const { token, hash } = newSecretToken();
  await db
    .insertInto('password_resets')
    .values({ token_hash: hash, user_id: input.userId, created_at: input.at, expires_at: input.expiresAt })
    .execute();
  return { token };
}

export type TakenReset = { status: 'taken'; userId: string } | { status: 'unknown' | 'expired' | 'used' };

/** Uses the reset with this token, once (conditional update: of two concurrent takers one wins). */
export async function takePasswordReset(db: Kysely<Database>, token: string, at: Date): Promise<TakenReset> {
  const hash = hashSecretToken(token);
  const row = await db.selectFrom('password_resets').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  if (!row) return { status: 'unknown' };
  if (row.used_at !== null) return { status: 'used' };
  if (row.expires_at <= at) return { status: 'expired' };
  const taken = await db
    .updateTable('password_resets')
    .set({ used_at: at })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return taken.numUpdatedRows === 0n ? { status: 'used' } : { status: 'taken', userId: row.user_id };
}
