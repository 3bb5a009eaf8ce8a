import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Failed sign-ins counted per bucket (an account's email, a client address) in a table, so every
 * process on the database sees the same count.
 */
export async function recordLoginFailure(db: Kysely<Database>, buckets: readonly string[], at: Date, forgetBefore: Date): Promise<void> {
  await db
    .insertInto('login_failures')
    .values(buckets.map((bucket) => ({ bucket, failed_at: at })))
    .execute();
  // Old failures no longer count; dropping them here keeps the table as small as the window.
  await db.deleteFrom('login_failures').where('bucket', 'in', buckets).where('failed_at', '<', forgetBefore).execute();
}

/** The failures of a bucket after `since`, oldest first (the oldest tells when the bucket frees up). */
export async function recentLoginFailures(db: Kysely<Database>, bucket: string, since: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom('login_failures')
    .select('failed_at')
    .where('bucket', '=', bucket)
    .where('failed_at', '>', since)
    .orderBy('failed_at')
    .execute();
  return rows.map((r) => r.failed_at);
}

export async function clearLoginFailures(db: Kysely<Database>, bucket: string): Promise<void> {
  await db.deleteFrom('login_failures').where('bucket', '=', bucket).execute();
}
