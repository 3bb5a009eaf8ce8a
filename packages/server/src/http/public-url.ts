import type { FastifyInstance } from 'fastify';

const wildcard = new Set(['0.0.0.0', '::', '']);

/** True for addresses only this machine reaches, where links built from them are fine as they are. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Where people and providers reach this Strata: STRATA_PUBLIC_URL, else the address the server
 * listens on. Never the request's Host header, which the caller chooses: webhook URLs and survey
 * links built from it would point wherever a caller (or a proxy in between) said.
 */
export function publicBase(app: FastifyInstance, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const bound = app.server.address();
  // Not listening (requests injected in-process): nothing is reachable, the loopback name is as good as any.
  if (bound === null || typeof bound === 'string') return 'http://127.0.0.1';
  // A wildcard bind is reachable on loopback at least; start warns that STRATA_PUBLIC_URL should be set.
  const host = wildcard.has(bound.address) ? (bound.family === 'IPv6' ? '::1' : '127.0.0.1') : bound.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
}
