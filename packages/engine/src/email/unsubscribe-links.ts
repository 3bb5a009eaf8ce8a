import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe links: the workspace and the address, signed with HMAC-SHA256 under a key derived
 * for the workspace from the server's link key, so a link names one address of one workspace and
 * cannot be made up for another. They do not expire: an unsubscribe link must work for as long
 * as the email is read.
 */
function workspaceKey(linkKey: Buffer, workspaceId: string): Buffer {
  return createHmac('sha256', linkKey).update(`unsubscribe\u0000${workspaceId}`).digest();
}

export interface UnsubscribeClaims {
  workspaceId: string;
  email: string;
}

export function issueUnsubscribeToken(linkKey: Buffer, claims: UnsubscribeClaims): string {
  const body = Buffer.from(JSON.stringify({ w: claims.workspaceId, e: claims.email })).toString('base64url');
  const signature = createHmac('sha256', workspaceKey(linkKey, claims.workspaceId)).update(body).digest('base64url');
  return `${body}.${signature}`;
}

/** The claims of a token whose signature holds; undefined for a forged or cut token. */
export function verifyUnsubscribeToken(linkKey: Buffer, token: string): UnsubscribeClaims | undefined {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return undefined;
  let payload: { w?: unknown; e?: unknown };
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { w?: unknown; e?: unknown };
  } catch {
    return undefined;
  }
  if (typeof payload.w !== 'string' || typeof payload.e !== 'string') return undefined;
  const expected = createHmac('sha256', workspaceKey(linkKey, payload.w)).update(body).digest();
  const received = Buffer.from(signature, 'base64url');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return undefined;
  return { workspaceId: payload.w, email: payload.e };
}

/** The page a link opens; POST to it unsubscribes in one click (RFC 8058). */
export const unsubscribeUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/+$/, '')}/unsubscribe?token=${token}`;
