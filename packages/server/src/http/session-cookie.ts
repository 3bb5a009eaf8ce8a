import type { FastifyReply, FastifyRequest } from 'fastify';

/** The cookie that carries a signed-in user's session token. */
export const sessionCookieName = 'strata_session';

/** How long a session lives: idle (since its last request) and absolute (since sign-in). */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export const defaultSessionPolicy: SessionPolicy = { idleMs: 12 * 3_600_000, absoluteMs: 7 * 86_400_000 };

/** The session token the request carries, if any. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const token = request.cookies[sessionCookieName];
  return token === undefined || token === '' ? undefined : token;
}

/**
 * Secure when the browser reached Strata over HTTPS: the request came in over TLS, or
 * STRATA_PUBLIC_URL says https (a proxy in front terminates TLS).
 */
function secure(request: FastifyRequest, publicUrl: string | undefined): boolean {
  return request.protocol === 'https' || (publicUrl?.startsWith('https:') ?? false);
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  options: { publicUrl: string | undefined; policy: SessionPolicy },
): void {
  void reply.setCookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: secure(request, options.publicUrl),
    maxAge: Math.floor(options.policy.absoluteMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, publicUrl: string | undefined): void {
  void reply.clearCookie(sessionCookieName, { httpOnly: true, sameSite: 'lax', path: '/', secure: secure(request, publicUrl) });
}
