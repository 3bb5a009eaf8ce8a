import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ingestionLimits, type MessageType } from '@strata/core';
import { AppError } from '../../http/app-error.js';
import { basicUser } from '../../http/authenticate.js';
import { ingestionSchema } from '../../http/openapi-ingestion.js';
import { acceptMessages, type IncomingMessages, type IngestionRouteDeps } from './accept-messages.js';
import { registerBrowserRoutes } from './segment-browser.js';
import { registerPostHogRoutes } from './posthog.js';

const singleTypes: MessageType[] = ['identify', 'track', 'group', 'page', 'screen', 'alias'];

/**
 * Segment's HTTP Tracking API, the paths its browser client uses, and PostHog's capture API.
 * Bodies are read raw whatever their Content-Type (RudderStack labels gzipped JSON as a form,
 * browsers send `text/plain` to avoid a preflight), decompressed under the size limit, then parsed.
 */
export function registerIngestionRoutes(app: FastifyInstance, deps: IngestionRouteDeps): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ingestionLimits.maxRequestBytes }, (_request, body, done) =>
    done(null, body),
  );
  // The same limit on each route, where the error handler reads it to say which limit was exceeded.
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= ingestionLimits.maxRequestBytes;
  });

  const handle = (impliedType: MessageType | undefined) => (request: FastifyRequest, reply: Parameters<typeof acceptMessages>[2]) =>
    acceptMessages(deps, request, reply, readSegmentBody(request, impliedType));

  for (const type of singleTypes) app.post(`/v1/${type}`, { schema: ingestionSchema(type) }, handle(type));
  app.post('/v1/batch', { schema: ingestionSchema('batch') }, handle(undefined));
  app.post('/v1/import', { schema: ingestionSchema('import') }, handle(undefined));
  registerBrowserRoutes(app, deps, handle);
  registerPostHogRoutes(app, deps);
}

/** A Segment body: one message (its type implied by the path) or a `batch` envelope; the key by HTTP Basic or `writeKey`. */
function readSegmentBody(request: FastifyRequest, impliedType: MessageType | undefined): IncomingMessages {
  let body: Record<string, unknown> | undefined;
  let unreadable: AppError | undefined;
  try {
    body = jsonObject(decompressBody(request));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    unreadable = error;
  }
  const secret = basicUser(request) ?? (typeof body?.['writeKey'] === 'string' ? body['writeKey'] : undefined);
  if (unreadable) return { secret, messages: unreadable };
  if (body === undefined) return { secret, messages: new AppError('INVALID_INPUT', 'request body must be a JSON object') };
  if (impliedType) return { secret, messages: [body], impliedType };
  const batch = body['batch'];
  if (!Array.isArray(batch))
    return {
      secret,
      messages: new AppError('INVALID_INPUT', 'batch must be an array of messages', [
        { index: null, field: 'batch', code: 'missing-field' },
      ]),
    };
  return { secret, messages: batch, batchSentAt: parseDate(body['sentAt']) };
}

/** The body's bytes, gunzipped or inflated (by header, or by gzip's magic number) under the size limit. */
export function decompressBody(request: FastifyRequest, forceGzip = false): Buffer | undefined {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
  return decompress(raw, forceGzip ? 'gzip' : encoding);
}

/** Bytes in an encoding (`gzip`, `deflate`, or none, when gzip's magic number still says gzip). */
export function decompress(raw: Buffer, encoding: string): Buffer {
  try {
    const limit = { maxOutputLength: ingestionLimits.maxRequestBytes };
    if (encoding === 'gzip' || (raw[0] === 0x1f && raw[1] === 0x8b)) return gunzipSync(raw, limit);
    if (encoding === 'deflate') return inflateSync(raw, limit);
    return raw;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || (error as Error).message.includes('Cannot create a Buffer')) {
      throw new AppError('PAYLOAD_TOO_LARGE', 'decompressed request body is over the 500 KB limit');
    }
    throw new AppError('INVALID_INPUT', `request body could not be decompressed (${encoding || 'gzip'})`);
  }
}

/** JSON text parsed; undefined when it is not an object (or there is none). */
export function jsonObject(text: Buffer | string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const value = parseJson(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function parseJson(text: Buffer | string): unknown {
  try {
    return JSON.parse(text.toString('utf8'));
  } catch {
    throw new AppError('INVALID_INPUT', 'request body is not valid JSON');
  }
}

export function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
