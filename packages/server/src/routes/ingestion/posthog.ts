import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../http/app-error.js';
import { acceptMessages, type IncomingMessages, type IngestionRouteDeps } from './accept-messages.js';
import { decompress, parseDate, parseJson } from './ingestion.js';
import { translatePostHogEvents } from './posthog-messages.js';
import { registerPreflight } from './segment-browser.js';

/** The capture paths of PostHog's clients: posthog-node posts `/batch/`, posthog-js `/e/` (and `/i/v0/e/` lately). */
const capturePaths = ['/batch/', '/capture/', '/e/', '/i/v0/e/', '/track/', '/engage/'];
/** Feature flags and remote configuration: answered empty, so clients pointed here stay quiet. */
const flagPaths = ['/decide/', '/flags/'];

/** An empty, valid answer to `/decide` and `/flags` (both versions' shapes): no flags, no recordings, no surveys. */
const noFlags = {
  flags: {},
  featureFlags: {},
  featureFlagPayloads: {},
  errorsWhileComputingFlags: false,
  quotaLimited: [],
  requestId: '00000000-0000-0000-0000-000000000000',
  sessionRecording: false,
  supportedCompression: ['gzip', 'gzip-js'],
  config: { enable_collect_everything: false },
  toolbarParams: {},
  isAuthenticated: false,
  siteApps: [],
  capturePerformance: false,
  autocapture_opt_out: true,
  autocaptureExceptions: false,
  heatmaps: false,
  surveys: false,
  elementsChainAsString: true,
};

/**
 * PostHog's capture API. Its events are translated to Segment messages and take the same path as
 * Segment's (`acceptMessages`): same key check, limits, counters, and every bad event named. The
 * project API key is a Strata write key.
 */
export function registerPostHogRoutes(app: FastifyInstance, deps: IngestionRouteDeps): void {
  const capture = async (request: FastifyRequest, reply: FastifyReply) => {
    await acceptMessages(deps, request, reply, readPostHogBody(request));
    return { status: 1 };
  };
  for (const path of capturePaths) {
    app.post(path, { schema: { hide: true } }, capture);
    registerPreflight(app, deps, path);
  }
  for (const path of flagPaths) {
    app.post(path, { schema: { hide: true } }, (request, reply) => flagsAnswer(request, reply));
    app.get(path, { schema: { hide: true } }, (request, reply) => flagsAnswer(request, reply));
    registerPreflight(app, deps, path);
  }
  // posthog-js asks for its project's remote configuration before it starts.
  app.get('/array/:token/config', { schema: { hide: true } }, (request, reply) => flagsAnswer(request, reply));
  app.get('/array/:token/config.js', { schema: { hide: true } }, (request, reply) => {
    allowAnyOrigin(request, reply);
    return reply.type('application/javascript').send('');
  });
}

/** Flags hold nothing a page may not see, so any origin may read the empty answer. */
function flagsAnswer(request: FastifyRequest, reply: FastifyReply) {
  allowAnyOrigin(request, reply);
  return reply.send(noFlags);
}

function allowAnyOrigin(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  if (origin !== undefined) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
}

/**
 * Every body the PostHog clients send: JSON (an event, an array, or `{batch}` / `{data}`), gzipped
 * (`Content-Encoding`, or `compression=gzip-js` in the query or form), or a form whose `data` is
 * base64 JSON. The key is `api_key` or `token` in the body, an event's `properties.token`, or `?token=`.
 */
function readPostHogBody(request: FastifyRequest): IncomingMessages {
  const query = request.query as Record<string, unknown>;
  const queryToken = typeof query['token'] === 'string' ? query['token'] : undefined;
  let body: unknown;
  try {
    body = decodePostHogBody(request, typeof query['compression'] === 'string' ? query['compression'] : undefined);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { secret: queryToken, messages: error };
  }
  const envelope = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const events: unknown = Array.isArray(body)
    ? body
    : envelope && Array.isArray(envelope['batch'])
      ? envelope['batch']
      : envelope && Array.isArray(envelope['data'])
        ? envelope['data']
        : envelope && 'event' in envelope
          ? [envelope]
          : undefined;
  const secret = stringAt(envelope, 'api_key') ?? stringAt(envelope, 'token') ?? tokenOfEvents(events) ?? queryToken;
  if (!Array.isArray(events))
    return {
      secret,
      messages: new AppError('INVALID_INPUT', 'the body must be an event, an array of events, or {"batch": [...]}', [
        { index: null, field: 'batch', code: 'missing-field' },
      ]),
    };
  const translated = translatePostHogEvents(events);
  if (translated.issues.length > 0) {
    const summary = translated.issues
      .slice(0, 5)
      .map((i) => `[${i.index}] ${i.message}`)
      .join('; ');
    return {
      secret,
      messages: new AppError('INVALID_INPUT', `${translated.issues.length} problem(s); nothing was stored: ${summary}`, translated.issues),
      rejectedCount: events.length,
    };
  }
  return {
    secret,
    messages: translated.messages,
    sourceIndex: translated.sources,
    allowAccountOnly: true,
    batchSentAt: parseDate(envelope?.['sent_at']),
  };
}

function decodePostHogBody(request: FastifyRequest, queryCompression: string | undefined): unknown {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) throw new AppError('INVALID_INPUT', 'the request has no body: send events as JSON');
  const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
  const gzipped = encoding === 'gzip' || queryCompression === 'gzip-js' || queryCompression === 'gzip';
  const text = decompress(raw, gzipped ? 'gzip' : encoding).toString('utf8');
  if (!text.startsWith('data=')) return parseJson(text);
  // A form, as posthog-js sends with `compression=base64` (or none): `data` is base64 (or plain) JSON.
  const form = new URLSearchParams(text);
  const data = form.get('data') ?? '';
  const compression = form.get('compression') ?? queryCompression;
  if (compression === 'gzip-js') return parseJson(decompress(Buffer.from(data, 'base64'), 'gzip'));
  const trimmed = data.trimStart();
  return parseJson(trimmed.startsWith('{') || trimmed.startsWith('[') ? data : Buffer.from(data, 'base64'));
}

function stringAt(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function tokenOfEvents(events: unknown): string | undefined {
  if (!Array.isArray(events)) return undefined;
  for (const event of events) {
    const properties = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)['properties'] : undefined;
    const token = typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>)['token'] : undefined;
    if (typeof token === 'string' && token !== '') return token;
  }
  return undefined;
}
