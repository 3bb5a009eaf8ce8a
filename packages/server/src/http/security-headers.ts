import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every answer, written for the web UI that `/` will serve: its
 * scripts, styles, fonts and images come from Strata itself, it talks only to Strata, no inline
 * script or style runs, no plugin loads, and no other site may frame it (clickjacking).
 * `upgrade-insecure-requests` is left out: Strata serves plain HTTP on loopback by default, and
 * a browser would then fetch the UI's own files over an HTTPS that is not there.
 */
export const webUiContentSecurityPolicy = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
} as const;

/**
 * Swagger UI at `/api/docs` loads only its own files (scripts, stylesheets, favicons) and the
 * document at `/api/docs/json`, with no inline script; its React components set inline styles
 * and its icons are data: URLs, so styles may be inline on these pages and nowhere else.
 */
export const apiDocsContentSecurityPolicy = Object.entries({
  ...webUiContentSecurityPolicy,
  'style-src': ["'self'", "'unsafe-inline'"],
})
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ');

/**
 * Helmet's headers on every answer (errors and 404s too): the CSP above, `X-Frame-Options: DENY`
 * to match `frame-ancestors 'none'`, HSTS (browsers heed it only over HTTPS), no referrer,
 * `nosniff`, same-origin opener and resource policies. Register before any route. Survey pages
 * set their own, narrower CSP (inline styles, a form that posts to itself).
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: webUiContentSecurityPolicy },
    frameguard: { action: 'deny' },
  });
}
