import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { databaseUnavailableReason } from '@strata/storage';
import { AppError, type ErrorCode } from './app-error.js';

/** Seconds a client is asked to wait before resending; an embedded PostgreSQL restarts within a few. */
export const databaseRetryAfterSeconds = 5;

/** A body limit as the docs state it: 500 KB, 1 MB. */
const byteSize = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} KB`);

/** The body of every failure: the house shape, with the request id an operator finds the log lines by. */
export function errorBody(request: FastifyRequest, error: { code: ErrorCode; message: string; details?: unknown }) {
  return { error: { ...error, requestId: request.id } };
}

/**
 * Renders every failure as `{"error":{code,message,details,requestId}}`; bugs are logged (with
 * the request id and the stack) and answered with neither.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(errorBody(request, { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }));
  });
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const unavailable = error instanceof AppError ? undefined : databaseUnavailableReason(error);
    if (unavailable !== undefined) {
      // Nothing was acknowledged: a commit whose answer was lost is stored once when resent (messageId dedupe).
      request.log.warn({ reason: unavailable }, 'database unavailable; answering 503');
      error = new AppError(
        'DATABASE_UNAVAILABLE',
        'the database is unavailable; send the request again in a few seconds (GET /healthz tells why)',
      );
    }
    if (error instanceof AppError) {
      if (error.code === 'DATABASE_UNAVAILABLE' || error.code === 'NOT_READY') {
        void reply.header('retry-after', String(databaseRetryAfterSeconds));
      }
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
      return reply.status(error.status).send(errorBody(request, { code: error.code, message: error.message, details: error.details }));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({
        field: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message,
      }));
      return reply
        .status(400)
        .send(errorBody(request, { code: 'INVALID_INPUT', message: details.map((d) => `${d.field}: ${d.message}`).join('; '), details }));
    }
    if (error.statusCode === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit;
      return reply
        .status(413)
        .send(errorBody(request, { code: 'PAYLOAD_TOO_LARGE', message: `request body is over the ${byteSize(limit)} limit` }));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody(request, { code: 'INVALID_INPUT', message: error.message }));
    }
    // The log line carries the request id (Fastify's child logger) and the stack; the client gets the id only.
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send(
        errorBody(request, { code: 'INTERNAL', message: `internal error; the server log has the details under request id ${request.id}` }),
      );
  });
}
