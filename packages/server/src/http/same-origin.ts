import type { FastifyRequest } from 'fastify';
import { AppError } from './app-error.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** This server's origin as browsers name it: STRATA_PUBLIC_URL's, else the request's own scheme and host. */
export function ownOrigin(request: FastifyRequest, publicUrl: string | undefined): string {
  // Through URL, as browsers serialise origins: a default port (http://host:80) is left out.
  return new URL(publicUrl ?? `${request.protocol}://${request.host}`).origin;
}

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * The origin a browser says the request came from: `Origin`, else `Referer`'s origin; undefined
 * when it sent neither. An opaque origin (`null`) or an unreadable value counts as foreign.
 */
function claimedOrigin(request: FastifyRequest): { origin: string | undefined; header: 'Origin' | 'Referer' } | undefined {
  const { origin, referer } = request.headers;
  if (origin !== undefined) return { origin: originOf(origin), header: 'Origin' };
  if (referer !== undefined) return { origin: originOf(referer), header: 'Referer' };
  return undefined;
}

/**
 * CSRF protection for requests authenticated by the session cookie: a write is accepted only
 * from a page of this server. SameSite=Lax already keeps the cookie off most cross-site writes;
 * this also covers same-site pages on other origins and browsers without SameSite.
 */
export function requireSameOriginWrite(request: FastifyRequest, publicUrl: string | undefined): void {
  if (safeMethods.has(request.method)) return;
  const own = ownOrigin(request, publicUrl);
  const claimed = claimedOrigin(request);
  if (!claimed)
    throw new AppError(
      'FORBIDDEN',
      `a write signed in by session cookie must send an Origin (or Referer) header of ${own}; browsers do, scripts should use an API key`,
    );
  if (claimed.origin !== own)
    throw new AppError('FORBIDDEN', `cross-origin write refused: the ${claimed.header} header is not this server's origin ${own}`);
}

/** Sign-in checks the Origin a browser sends, so another site cannot sign a browser in (login CSRF). */
export function requireSameOriginWhenSent(request: FastifyRequest, publicUrl: string | undefined): void {
  const { origin } = request.headers;
  if (origin === undefined) return;
  const own = ownOrigin(request, publicUrl);
  if (originOf(origin) !== own)
    throw new AppError('FORBIDDEN', `cross-origin sign-in refused: the Origin header is not this server's origin ${own}`);
}
