import { createHash, randomBytes } from 'node:crypto';

/**
 * A fresh secret for a cookie or a link: 256 random bits, base64url. Stored only as its SHA-256
 * hash; with that much entropy a fast hash is as safe as a slow one and is looked up by index.
 */
export function newSecretToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
