import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` puts the web UI (packages/web/dist), from server/src/http or server/dist/http alike. */
export const defaultWebRoot = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths the UI never answers: the APIs, health, metrics and survey pages keep their own 404s. */
const serverPaths = /^\/(api|v1|healthz|metrics|s|webhooks)(\/|$)/;

/**
 * Serves the built web UI: hashed files under `/assets/` cached for a year (their names change
 * with their content), and `index.html` — revalidated on every load so a new build shows at
 * once — for `/` and every other path without a file extension, so a deep link survives a reload.
 */
export async function registerWebUi(app: FastifyInstance, webRoot: string = defaultWebRoot): Promise<void> {
  const indexFile = join(webRoot, 'index.html');
  await app.register(fastifyStatic, {
    root: join(webRoot, 'assets'),
    prefix: '/assets/',
    // Missing until the first build; the route below then says how to build.
    allowedPath: () => existsSync(indexFile),
    immutable: true,
    maxAge: 31_536_000_000,
    index: false,
    schemaHide: true,
  });
  const sendIndex = async (_request: unknown, reply: FastifyReply) => {
    if (!existsSync(indexFile))
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send('The web UI is not built yet: run `npm run build` (npm start and npm install do it), then reload.\n');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await readFile(indexFile));
  };
  app.get('/', { schema: { hide: true } }, sendIndex);
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const lastSegment = path.slice(path.lastIndexOf('/') + 1);
    if (serverPaths.test(path) || lastSegment.includes('.')) return reply.callNotFound();
    return sendIndex(request, reply);
  });
}
