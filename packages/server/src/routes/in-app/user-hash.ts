import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A person's identity-verification hash (Intercom's scheme): hex HMAC-SHA256 of their userId,
 * keyed by the workspace's in-app secret as UTF-8 text. The product's server computes it and
 * hands it to its page; a page cannot make one for another userId without the secret.
 */
export function inAppUserHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Whether `given` is the person's hash, compared in constant time. */
export function userHashMatches(secret: string, userId: string, given: string): boolean {
  const expected = Buffer.from(inAppUserHash(secret, userId), 'hex');
  const actual = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A new workspace secret: 32 random bytes, base64url. */
export const generateInAppSecret = () => randomBytes(32).toString('base64url');
