import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { ingestionLimits, parseSegmentMessages, type EventTimeWindow, type MessageType } from '@strata/core';
import { ingestMessages, IngestionRefusedError } from '@strata/engine';
import { addIngestionCounts, workspaceScope, type Database } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { basicUser, requireKeyPermission, type KeyResolver } from '../../http/authenticate.js';
import type { IngestRateLimiter } from '../../http/ingest-rate-limit.js';
import { ingestionSchema } from '../../http/openapi-ingestion.js';

export interface IngestionRouteDeps {
  db: () => Kysely<Database>;
  keys: () => KeyResolver;
  now: () => Date;
  /** Event times accepted, around the server clock; older history goes through `strata import`. */
  eventTimeWindow: EventTimeWindow;
  /** Requests per write key; a refused request is neither stored nor counted as received (the client resends it). */
  rateLimiter: IngestRateLimiter;
  /** Checks messages against erased people; undefined while no secret key is configured. */
  suppressionKey?: () => Buffer | undefined;
}

/** New monthly event partitions one request may create: a write key must not be able to make thousands. */
export const maxNewPartitionsPerRequest = 24;

const singleTypes: MessageType[] = ['identify', 'track', 'group', 'page', 'screen', 'alias'];

/**
 * Segment's HTTP Tracking API. Bodies are read raw whatever their Content-Type (RudderStack
 * labels gzipped JSON as a form), decompressed under the size limit, then parsed as JSON.
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

  const handle = (impliedType: MessageType | undefined) => async (request: FastifyRequest) => {
    const receivedAt = deps.now();
    let body: Record<string, unknown> | undefined;
    let unreadable: AppError | undefined;
    try {
      body = decodeBody(request);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      unreadable = error;
    }
    const secret = basicUser(request) ?? (typeof body?.['writeKey'] === 'string' ? body['writeKey'] : undefined);
    const key = requireKeyPermission(secret ? await deps.keys().resolve(secret) : undefined, 'ingest');
    deps.rateLimiter.admit(key.id);
    const scope = workspaceScope(deps.db(), key.workspaceId, deps.now);
    const rejected = async (count: number, error: AppError) => {
      await addIngestionCounts(scope, { stored: 0, rejected: count, deduplicated: 0 });
      return error;
    };
    if (unreadable) throw await rejected(1, unreadable);
    if (body === undefined) throw await rejected(1, new AppError('INVALID_INPUT', 'request body must be a JSON object'));

    let raw: unknown[];
    if (impliedType) raw = [body];
    else {
      const batch = body['batch'];
      if (!Array.isArray(batch))
        throw await rejected(
          1,
          new AppError('INVALID_INPUT', 'batch must be an array of messages', [{ index: null, field: 'batch', code: 'missing-field' }]),
        );
      if (batch.length > ingestionLimits.maxBatchEvents) {
        throw await rejected(
          batch.length,
          new AppError('INVALID_INPUT', `batch has ${batch.length} messages; the limit is ${ingestionLimits.maxBatchEvents} per batch`, [
            { index: null, field: 'batch', code: 'too-many-messages' },
          ]),
        );
      }
      raw = batch;
    }
    const parsed = parseSegmentMessages(raw, impliedType);
    if (!parsed.ok) {
      const summary = parsed.issues
        .slice(0, 5)
        .map((i) => `[${i.index}] ${i.message}`)
        .join('; ');
      throw await rejected(
        raw.length,
        new AppError('INVALID_INPUT', `${parsed.issues.length} problem(s); nothing was stored: ${summary}`, parsed.issues),
      );
    }
    const batchSentAt = impliedType ? undefined : parseDate(body['sentAt']);
    try {
      await ingestMessages(scope, {
        messages: parsed.messages,
        receivedAt,
        batchSentAt,
        limits: { eventTimes: deps.eventTimeWindow, maxNewPartitions: maxNewPartitionsPerRequest },
        suppressionKey: deps.suppressionKey?.(),
      });
    } catch (error) {
      if (!(error instanceof IngestionRefusedError)) throw error;
      throw await rejected(
        raw.length,
        new AppError('INVALID_INPUT', `${error.issues.length} problem(s); nothing was stored: ${error.message}`, error.issues),
      );
    }
    return { success: true };
  };

  for (const type of singleTypes) app.post(`/v1/${type}`, { schema: ingestionSchema(type) }, handle(type));
  app.post('/v1/batch', { schema: ingestionSchema('batch') }, handle(undefined));
  app.post('/v1/import', { schema: ingestionSchema('import') }, handle(undefined));
}

function decodeBody(request: FastifyRequest): Record<string, unknown> | undefined {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
  let text: Buffer = raw;
  try {
    const limit = { maxOutputLength: ingestionLimits.maxRequestBytes };
    if (encoding === 'gzip' || (raw[0] === 0x1f && raw[1] === 0x8b)) text = gunzipSync(raw, limit);
    else if (encoding === 'deflate') text = inflateSync(raw, limit);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || (error as Error).message.includes('Cannot create a Buffer')) {
      throw new AppError('PAYLOAD_TOO_LARGE', 'decompressed request body is over the 500 KB limit');
    }
    throw new AppError('INVALID_INPUT', `request body could not be decompressed (${encoding || 'gzip'})`);
  }
  try {
    const value: unknown = JSON.parse(text.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    throw new AppError('INVALID_INPUT', 'request body is not valid JSON');
  }
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
