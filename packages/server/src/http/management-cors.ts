import type { FastifyCorsOptions } from '@fastify/cors';
import { requestIdHeader } from './request-id.js';

/**
 * CORS for the management API, for exactly the configured origins: a page of another origin may
 * call it with an API key in `Authorization` (no cookies: `credentials` stays off, so a session
 * cookie is never sent cross-origin). Any other origin gets no `Access-Control-Allow-Origin`, and
 * the browser refuses the answer. Ingestion (`/v1`) is not under this: Segment's browser client
 * posts there as a simple request.
 */
export function managementCors(origins: readonly string[]): FastifyCorsOptions {
  return {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'last-event-id', requestIdHeader],
    exposedHeaders: [requestIdHeader, 'retry-after'],
    credentials: false,
    maxAge: 600,
  };
}
