import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findJsonHazard, formatJsonPath } from '@strata/core';
import { AppError } from './app-error.js';
import { requestIdHeader } from './request-id.js';

/**
 * How deeply a management or webhook body may nest. Higher than the 64 of an ingested message:
 * rule IR may nest 200 levels (checked in core with its own message), and the IR of any rule the
 * server accepts as text must come back in as a body.
 */
export const maxBodyDepth = 256;

/**
 * The 400 for input that cannot be stored (NUL, an unpaired surrogate) or is nested deeper than
 * `maxBodyDepth`, naming the field under `prefix` (`params`, `query`, or none for a body);
 * undefined when the value is fine.
 */
export function unstorableInputError(value: unknown, prefix?: string): AppError | undefined {
  const hazard = findJsonHazard(value, maxBodyDepth);
  if (!hazard) return undefined;
  const path = hazard.code === 'too-deep' ? hazard.path.slice(0, 1) : hazard.path;
  const field = [...(prefix ? [prefix] : []), formatJsonPath(path)].filter(Boolean).join('.') || 'body';
  const message = `${field} ${hazard.problem}`;
  return new AppError('INVALID_INPUT', message, [{ field, code: hazard.code, message }]);
}

/**
 * Checks every path parameter, query string and JSON body before validation or a handler sees
 * it, so hostile text answers 400 in one place instead of failing deep inside (PostgreSQL
 * refuses NUL; recursive code overflows the stack on deep nesting). Install on the root before
 * any route is registered: scopes inherit the hook and the parser.
 */
export function installStorableInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    // Ingestion reads no query string, and a request it refuses must still count its messages
    // as received and rejected: a stray `?x=%00` there is ignored like any other parameter.
    const readsQuery = !request.url.startsWith('/v1/');
    done(unstorableInputError(request.params, 'params') ?? (readsQuery ? unstorableInputError(request.query, 'query') : undefined));
  });
  // Fastify's own parser (it refuses `__proto__` and `constructor.prototype` keys), then the check.
  // Its type is a union of the callback and promise forms; the one it returns takes a callback.
  const parseJson = app.getDefaultJsonParser('error', 'error') as (
    request: FastifyRequest,
    body: string,
    done: (error: Error | null, value?: unknown) => void,
  ) => void;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body.toString(), (error, value) => {
      if (error) return done(error);
      const unstorable = unstorableInputError(value);
      if (unstorable) return done(unstorable);
      done(null, value);
    });
  });
}

/** Renders Fastify's own routing failures (a path whose percent-escapes are not UTF-8) in the house shape. */
export function renderFrameworkError(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const badUrl = error.code === 'FST_ERR_BAD_URL';
  // Routing failed, so no onRequest hook ran: the request id header is set here.
  void reply.header(requestIdHeader, request.id);
  void reply.status(400).send({
    error: {
      code: 'INVALID_INPUT',
      message: badUrl ? 'the URL path is not valid: each percent-escape must decode to UTF-8 text' : error.message,
      requestId: request.id,
    },
  });
}
