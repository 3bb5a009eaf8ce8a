import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SurveyKind } from './surveys.js';

/** What a hosted survey link stands for; signed, so it cannot be changed or made up. */
export interface SurveyLinkClaims {
  workspaceId: string;
  userId: string;
  kind: SurveyKind;
  ticketId?: string | undefined;
  /** Unique per link: the answer's external id, so a link used twice updates one answer. */
  linkId: string;
  /** Epoch seconds after which the link records nothing. */
  expiresAt: number;
}

export type SurveyLinkCheck = { ok: true; claims: SurveyLinkClaims } | { ok: false; reason: 'forged' | 'expired' };

interface Payload {
  w: string;
  u: string;
  k: SurveyKind;
  t?: string;
  l: string;
  e: number;
}

function sign(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

export function issueSurveyLink(key: Buffer, input: Omit<SurveyLinkClaims, 'linkId'>): { token: string; claims: SurveyLinkClaims } {
  const claims: SurveyLinkClaims = { ...input, linkId: randomBytes(12).toString('base64url') };
  const payload: Payload = { w: claims.workspaceId, u: claims.userId, k: claims.kind, l: claims.linkId, e: claims.expiresAt };
  if (claims.ticketId) payload.t = claims.ticketId;
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return { token: `${body}.${sign(key, body).toString('base64url')}`, claims };
}

/** Checks the signature first (a forged token says nothing trustworthy, expiry included), then the expiry. */
export function verifySurveyLink(key: Buffer, token: string, now: Date): SurveyLinkCheck {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'forged' };
  const received = Buffer.from(signature, 'base64url');
  const expected = sign(key, body);
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { ok: false, reason: 'forged' };
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
  } catch {
    return { ok: false, reason: 'forged' };
  }
  if (payload.e * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    claims: { workspaceId: payload.w, userId: payload.u, kind: payload.k, ticketId: payload.t, linkId: payload.l, expiresAt: payload.e },
  };
}
