import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Why a webhook was refused; nothing is stored for any of these. */
export type SignatureFailure = 'missing-signature' | 'malformed-signature' | 'bad-signature' | 'stale-timestamp' | 'future-timestamp';
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

/** How far a signed timestamp may be behind our clock, and ahead of it (clock skew). */
export const maxSignatureAgeSeconds = 300;
export const maxClockSkewSeconds = 5;

export type Headers = Record<string, string | string[] | undefined>;

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function hmac(algorithm: 'sha1' | 'sha256', secret: string, ...parts: Array<string | Buffer>): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Compares a received digest with the expected one in constant time; any decoding problem is a mismatch. */
export function sameDigest(expected: Buffer, received: string, encoding: 'hex' | 'base64'): boolean {
  if (encoding === 'hex' && !/^[0-9a-fA-F]+$/.test(received)) return false;
  const bytes = Buffer.from(received, encoding);
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

/** Refuses a signed time too old (a replay) or ahead of our clock. */
export function checkTimestamp(signedAtMs: number, nowMs: number): SignatureCheck {
  if (!Number.isFinite(signedAtMs)) return { ok: false, reason: 'malformed-signature' };
  if (signedAtMs < nowMs - maxSignatureAgeSeconds * 1000) return { ok: false, reason: 'stale-timestamp' };
  if (signedAtMs > nowMs + maxClockSkewSeconds * 1000) return { ok: false, reason: 'future-timestamp' };
  return { ok: true };
}

/** Compares through fixed-length digests, so neither the time taken nor a length check tells how much matched. */
function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Checks an HTTP Basic `Authorization` header against the configured credentials (Chargebee, help desks). */
export function checkBasicAuth(headers: Headers, expected: { username: string; password: string }): SignatureCheck {
  const authorization = header(headers, 'authorization');
  if (!authorization) return { ok: false, reason: 'missing-signature' };
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!match) return { ok: false, reason: 'malformed-signature' };
  const given = Buffer.from(match[1]!, 'base64').toString('utf8');
  return sameText(given, `${expected.username}:${expected.password}`) ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
