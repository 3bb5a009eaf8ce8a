import type { Kysely } from 'kysely';
import { clearLoginFailures, recentLoginFailures, recordLoginFailure, type Database } from '@strata/storage';
import { AppError } from '../../http/app-error.js';

/**
 * Brute-force limits on sign-in: failures per account (an email, known or not) and per client
 * address within a sliding window. Counted in the database, so they hold across processes.
 */
export const loginLimits = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 30 };

const accountBucket = (email: string) => `account:${email.trim().toLowerCase()}`;
const addressBucket = (address: string) => `address:${address}`;

async function retryAfterSeconds(db: Kysely<Database>, bucket: string, limit: number, at: Date): Promise<number | undefined> {
  const failures = await recentLoginFailures(db, bucket, new Date(at.getTime() - loginLimits.windowMs));
  if (failures.length < limit) return undefined;
  // The bucket frees once enough failures leave the window that fewer than `limit` remain.
  const freesAt = failures[failures.length - limit]!.getTime() + loginLimits.windowMs;
  return Math.max(1, Math.ceil((freesAt - at.getTime()) / 1000));
}

/** Throws RATE_LIMITED (429 with Retry-After) when the account or the address is over its limit. */
export async function refuseWhenThrottled(db: Kysely<Database>, who: { email: string; address: string }, at: Date): Promise<void> {
  const account = await retryAfterSeconds(db, accountBucket(who.email), loginLimits.perAccount, at);
  const address = await retryAfterSeconds(db, addressBucket(who.address), loginLimits.perAddress, at);
  const wait = Math.max(account ?? 0, address ?? 0);
  if (wait === 0) return;
  const what = account !== undefined ? 'this account' : 'your address';
  throw new AppError(
    'RATE_LIMITED',
    `too many failed sign-ins for ${what}; try again in ${wait} seconds, or ask an admin for a password reset`,
    { retryAfterSeconds: wait },
    wait,
  );
}

export async function recordFailedLogin(db: Kysely<Database>, who: { email: string; address: string }, at: Date): Promise<void> {
  await recordLoginFailure(db, [accountBucket(who.email), addressBucket(who.address)], at, new Date(at.getTime() - loginLimits.windowMs));
}

/** A successful sign-in clears the account's failures (not the address's: one good password does not vouch for the rest). */
export async function clearFailedLogins(db: Kysely<Database>, email: string): Promise<void> {
  await clearLoginFailures(db, accountBucket(email));
}
