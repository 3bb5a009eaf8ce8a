import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { ingestionLimits, parseSegmentMessages, type EventTimeWindow, type MessageType } from '@strata/core';
import { ingestMessages, IngestionRefusedError } from '@strata/engine';
import {
  addIngestionCounts,
  readIngestionSettings,
  workspaceScope,
  type ApiKey,
  type Database,
  type IngestionSettings,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import { requireKeyPermission, type KeyResolver } from '../../http/authenticate.js';
import type { IngestRateLimiter } from '../../http/ingest-rate-limit.js';
import { originAllowed } from './browser-origins.js';

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
  /** Where browsers reach this server (`STRATA_PUBLIC_URL`); else the request's own host. */
  publicUrl?: string | undefined;
}

/** New monthly event partitions one request may create: a write key must not be able to make thousands. */
export const maxNewPartitionsPerRequest = 24;

/** One request's messages in Segment's shape, whichever client's wire format they came in. */
export interface IncomingMessages {
  /** The write key, from HTTP Basic, the body, or the PostHog project key. */
  secret: string | undefined;
  /** The raw messages, or why the body could not be read (counted as one rejected message). */
  messages: unknown[] | AppError;
  /** The type of every message, for the single-message endpoints. */
  impliedType?: MessageType | undefined;
  /** `sentAt` of the envelope, for clock-skew correction of messages that carry none. */
  batchSentAt?: Date | undefined;
  /** Messages translated from another client's events: the index of each one's event, so issues name the event sent. */
  sourceIndex?: number[] | undefined;
  /** Messages the request held when `messages` is an error (default 1), for the rejected counter. */
  rejectedCount?: number | undefined;
  /** Accept a group message that names no person (PostHog's `$groupidentify` without a user). */
  allowAccountOnly?: boolean | undefined;
}

/**
 * The one path every ingestion endpoint takes: the key, the browser's origin, the rate limit,
 * validation of every message (all named, nothing stored when one is bad), then `ingestMessages`,
 * committed before the answer. Rejections are counted in the workspace's ingestion stats.
 */
export async function acceptMessages(
  deps: IngestionRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  incoming: IncomingMessages,
): Promise<{ success: true }> {
  const receivedAt = deps.now();
  const key = requireKeyPermission(incoming.secret ? await deps.keys().resolve(incoming.secret) : undefined, 'ingest');
  const scope = workspaceScope(deps.db(), key.workspaceId, deps.now);
  // Settings cost a query: read only for what needs them (a page's request, a message with an IP), so server clients' path stays as it was.
  let settings: Promise<IngestionSettings> | undefined;
  const readSettings = () => (settings ??= readIngestionSettings(scope));
  if (request.headers.origin !== undefined) admitBrowser(request, reply, key, (await readSettings()).allowedOrigins);
  deps.rateLimiter.admit(key.id);
  const rejected = async (count: number, error: AppError) => {
    await addIngestionCounts(scope, { stored: 0, rejected: count, deduplicated: 0 });
    return error;
  };
  const raw = incoming.messages;
  if (raw instanceof AppError) throw await rejected(incoming.rejectedCount ?? 1, raw);
  // What the client sent, counted as it counts: PostHog events, even when one became two messages.
  const sent = incoming.sourceIndex ? new Set(incoming.sourceIndex).size : raw.length;
  const named = <T extends { index: number | null }>(issue: T): T =>
    issue.index === null ? issue : { ...issue, index: incoming.sourceIndex?.[issue.index] ?? issue.index };
  if (sent > ingestionLimits.maxBatchEvents) {
    throw await rejected(
      sent,
      new AppError('INVALID_INPUT', `batch has ${sent} messages; the limit is ${ingestionLimits.maxBatchEvents} per batch`, [
        { index: null, field: 'batch', code: 'too-many-messages' },
      ]),
    );
  }
  const parsed = parseSegmentMessages(raw, incoming.impliedType, { allowAccountOnly: incoming.allowAccountOnly ?? false });
  if (!parsed.ok) {
    const issues = parsed.issues.map(named);
    const summary = issues
      .slice(0, 5)
      .map((i) => `[${i.index}] ${i.message}`)
      .join('; ');
    throw await rejected(sent, new AppError('INVALID_INPUT', `${issues.length} problem(s); nothing was stored: ${summary}`, issues));
  }
  try {
    await ingestMessages(scope, {
      messages: parsed.messages,
      receivedAt,
      batchSentAt: incoming.batchSentAt,
      limits: { eventTimes: deps.eventTimeWindow, maxNewPartitions: maxNewPartitionsPerRequest },
      suppressionKey: deps.suppressionKey?.(),
      keepIp: parsed.messages.some((m) => m.context != null && Object.hasOwn(m.context, 'ip')) && (await readSettings()).allowIp,
    });
  } catch (error) {
    if (!(error instanceof IngestionRefusedError)) throw error;
    throw await rejected(
      sent,
      new AppError('INVALID_INPUT', `${error.issues.length} problem(s); nothing was stored: ${error.message}`, error.issues.map(named)),
    );
  }
  return { success: true };
}

/**
 * A request from a web page (it has an `Origin`) is accepted only from an origin the key's
 * workspace allows, and only with a key that can do nothing but ingest: a page shows its key to
 * every visitor. An allowed origin may read the answer (CORS).
 */
export function admitBrowser(request: FastifyRequest, reply: FastifyReply, key: ApiKey, allowedOrigins: readonly string[]): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (!originAllowed(origin, allowedOrigins))
    throw new AppError(
      'FORBIDDEN',
      `pages of ${origin} may not send events to this workspace: add the origin to allowedOrigins with PUT /api/v1/settings/ingestion`,
      { field: 'Origin' },
    );
  reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  if (key.scopes.some((scope) => scope !== 'ingest'))
    throw new AppError(
      'FORBIDDEN',
      `this key has scopes ${key.scopes.join(', ')}; a web page shows its key to every visitor, so browsers may send only a write key with the single scope ingest (strata keys create --scopes ingest)`,
      { field: 'writeKey' },
    );
}
