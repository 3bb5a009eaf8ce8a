import type { FastifyRequest } from 'fastify';

/** Where people and providers reach this Strata: STRATA_PUBLIC_URL, else the address the request came to. */
export function publicBase(request: FastifyRequest, configured: string | undefined): string {
  return configured ?? `${request.protocol}://${request.host}`;
}
