import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { originAllowedByAnyWorkspace, readIngestionSettings, workspaceScope } from '@strata/storage';
import type { MessageType } from '@strata/core';
import { requireKeyPermission } from '../../http/authenticate.js';
import { publicBase } from '../../http/public-url.js';
import { admitBrowser, type IngestionRouteDeps } from './accept-messages.js';

type Handler = (impliedType: MessageType | undefined) => (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** The first letters `@segment/analytics-next` posts to (`/v1/${type.charAt(0)}`); `b` is its batching mode. */
const shortPaths: Record<string, MessageType | undefined> = {
  t: 'track',
  i: 'identify',
  p: 'page',
  g: 'group',
  a: 'alias',
  s: 'screen',
  b: undefined,
};

/**
 * What Segment's browser client needs besides the Tracking API: its project settings, which send
 * it back here, its one-letter paths, and CORS preflights. The wire-compatibility routes are
 * left out of the OpenAPI document; they are the documented endpoints under other names.
 */
export function registerBrowserRoutes(app: FastifyInstance, deps: IngestionRouteDeps, handle: Handler): void {
  for (const [letter, type] of Object.entries(shortPaths)) app.post(`/v1/${letter}`, { schema: { hide: true } }, handle(type));

  app.get<{ Params: { writeKey: string } }>('/v1/projects/:writeKey/settings', { schema: { hide: true } }, async (request, reply) => {
    const key = requireKeyPermission(await deps.keys().resolve(request.params.writeKey), 'ingest');
    const settings = await readIngestionSettings(workspaceScope(deps.db(), key.workspaceId, deps.now));
    admitBrowser(request, reply, key, settings.allowedOrigins);
    // Where browsers reach this server: STRATA_PUBLIC_URL or the bound address, never the caller's Host header.
    const here = new URL(publicBase(request.server, deps.publicUrl));
    // Only the Segment.io destination: the client then sends everything here and loads no other integration.
    return {
      integrations: {
        'Segment.io': {
          apiKey: request.params.writeKey,
          apiHost: `${here.host}/v1`,
          protocol: here.protocol.replace(':', ''),
          unbundledIntegrations: [],
          addBundledMetadata: true,
          maybeBundledConfigIds: {},
        },
      },
      plan: { track: { __default: { enabled: true, integrations: {} } } },
      edgeFunction: {},
      analyticsNextEnabled: true,
      middlewareSettings: {},
      enabledMiddleware: {},
      metrics: { sampleRate: 0 },
      legacyVideoPluginsEnabled: false,
      remotePlugins: [],
    };
  });
  registerPreflight(app, deps, '/v1/*');
}

/**
 * Answers CORS preflights for `path`. A preflight names no write key, so an origin passes when
 * any workspace allows it; the request itself is then held to its own workspace's origins.
 */
export function registerPreflight(app: FastifyInstance, deps: IngestionRouteDeps, path: string): void {
  app.options(path, { schema: { hide: true } }, async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !(await originAllowedByAnyWorkspace(deps.db(), origin))) return reply.status(403).send();
    const requested = request.headers['access-control-request-headers'];
    return reply
      .status(204)
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', typeof requested === 'string' ? requested : 'Content-Type, Authorization')
      .header('access-control-max-age', '600')
      .header('vary', 'Origin, Access-Control-Request-Headers')
      .send();
  });
}
