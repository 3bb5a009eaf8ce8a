import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** The header a request id comes in on (from a proxy or a client) and goes back out on. */
export const requestIdHeader = 'x-request-id';

/**
 * An incoming id is kept only when it is a short plain token: it is written into every log line
 * of the request and echoed in a header, so anything that could forge a log field, split a
 * header or bloat the logs is replaced by a fresh id.
 */
const saneRequestId = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Fastify's `genReqId`: the caller's `X-Request-Id` when it is sane, else a random UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[requestIdHeader];
  return typeof incoming === 'string' && saneRequestId.test(incoming) ? incoming : randomUUID();
}

/** Echoes the request id on every answer, so a client can quote it and an operator can find the log lines. */
export function installRequestIdHeader(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(requestIdHeader, request.id);
    done();
  });
}
