import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '@strata/engine';
import { buildApp, createLogger, type BuildAppOptions } from '@strata/server';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let other: TestWorkspace;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  other = await createTestWorkspace(database);
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await database.drop();
});

/** The real app with the given settings over the test database, and every log line it writes. */
async function appWith(options: Omit<BuildAppOptions, 'logger'> = {}, addRoutes?: (app: FastifyInstance) => void) {
  const lines: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const strata = await buildApp({ logger, ...options });
  strata.setServices({ db: database.db, secrets: new SecretBox(randomBytes(32)) });
  addRoutes?.(strata.app);
  await strata.app.ready();
  apps.push(strata.app);
  return { app: strata.app, log: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const admin = (key = ws.adminKey) => ({ authorization: `Bearer ${key}` });
const identify = (app: FastifyInstance, writeKey: string, userId = 'ada') =>
  app.inject({ method: 'POST', url: '/v1/identify', headers: { authorization: basicAuth(writeKey) }, payload: { userId } });
const storedPeople = async (workspace: TestWorkspace) =>
  Number(
    (
      await database.owner
        .selectFrom('people')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', workspace.workspace.id)
        .executeTakeFirstOrThrow()
    ).n,
  );
const stats = async (app: FastifyInstance, workspace: TestWorkspace) =>
  (await app.inject({ url: '/api/v1/ingestion/stats', headers: admin(workspace.adminKey) })).json<{ received: number }>();

describe('request ids', () => {
  it('are in every error body and header; a sane incoming X-Request-Id is kept, anything else replaced', async () => {
    const { app } = await appWith();
    const answers = [
      await app.inject({ url: '/api/v1/segments/nope', headers: admin() }),
      await app.inject({ url: '/api/v1/segments' }),
      await app.inject({ url: '/api/no/such/route' }),
      await app.inject({ method: 'POST', url: '/api/v1/segments', headers: admin(), payload: { key: 1 } }),
      await app.inject({ method: 'POST', url: '/v1/identify', headers: { authorization: basicAuth(ws.writeKey) }, payload: {} }),
      await app.inject({ url: '/api/v1/people/%E0%A4%A' }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode, answer.body).toBeGreaterThanOrEqual(400);
      const { error } = answer.json<{ error: { code: string; requestId: string } }>();
      expect(error.requestId, answer.body).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers['x-request-id']).toBe(error.requestId);
    }
    expect(new Set(answers.map((a) => a.headers['x-request-id'])).size).toBe(answers.length);

    const kept = await app.inject({ url: '/api/v1/segments', headers: { 'x-request-id': 'lb-7f3a.42:9' } });
    expect(kept.headers['x-request-id']).toBe('lb-7f3a.42:9');
    expect(kept.json<{ error: { requestId: string } }>().error.requestId).toBe('lb-7f3a.42:9');
    const ok = await app.inject({ url: '/api/v1/segments', headers: { ...admin(), 'x-request-id': 'trace-1' } });
    expect([ok.statusCode, ok.headers['x-request-id']]).toEqual([200, 'trace-1']);

    for (const forged of ['a b', 'x'.repeat(129), 'id"}{"level":60', 'ünïcode', '']) {
      const replaced = await app.inject({ url: '/api/v1/segments', headers: { 'x-request-id': forged } });
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('a bug answers 500 with the id and neither stack nor message; the log line has the id and the stack', async () => {
    const { app, log } = await appWith({}, (app) =>
      app.get('/test/bug', { schema: { hide: true } }, () => {
        throw new Error('connection string postgres://strata:hunter2@db/strata was wrong');
      }),
    );
    const answer = await app.inject({ url: '/test/bug', headers: { 'x-request-id': 'bug-report-1' } });
    expect(answer.statusCode).toBe(500);
    expect(answer.json()).toEqual({
      error: {
        code: 'INTERNAL',
        message: 'internal error; the server log has the details under request id bug-report-1',
        requestId: 'bug-report-1',
      },
    });
    expect(answer.body).not.toMatch(/hunter2|at .*\.(js|ts):\d+|stack/);
    const logged = log().find((line) => line['msg'] === 'request failed');
    expect(logged?.['reqId']).toBe('bug-report-1');
    expect((logged?.['err'] as { stack?: string } | undefined)?.stack).toMatch(/hunter2[\s\S]*http-hardening\.test\.ts/);
  });
});

describe('ingestion rate limits per write key', () => {
  it('answer 429 with Retry-After past the burst, store nothing, count it, and leave other keys alone', async () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const { app } = await appWith({ now: () => now, ingestRateLimit: { perSecond: 2, burst: 3 } });
    const before = { people: await storedPeople(ws), received: (await stats(app, ws)).received };

    for (let i = 0; i < 3; i++) expect((await identify(app, ws.writeKey, `burst-${i}`)).statusCode).toBe(200);
    const refused = await identify(app, ws.writeKey, 'over-the-limit');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    const { error } = refused.json<{ error: { code: string; message: string; requestId: string } }>();
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toMatch(/more than 2 requests a second.*resend after 1 s/);
    expect(error.requestId).toBe(refused.headers['x-request-id']);
    // Refused at the door: not stored, and not received either (the client resends it).
    expect(await storedPeople(ws)).toBe(before.people + 3);
    expect((await stats(app, ws)).received).toBe(before.received + 3);
    // The body's writeKey is the same key and the same bucket.
    const viaBody = await app.inject({ method: 'POST', url: '/v1/track', payload: { writeKey: ws.writeKey, userId: 'ada', event: 'x' } });
    expect(viaBody.statusCode).toBe(429);

    // Another workspace's key has its own bucket.
    expect((await identify(app, other.writeKey)).statusCode).toBe(200);
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('strata_ingest_rate_limited_total 2\n');

    // Half a second refills one token at 2 a second.
    now = new Date(now.getTime() + 500);
    expect((await identify(app, ws.writeKey, 'after-the-wait')).statusCode).toBe(200);
    expect((await identify(app, ws.writeKey, 'too-soon')).statusCode).toBe(429);
  });

  it('by default let the fuzz-sized bursts through', async () => {
    const { app } = await appWith();
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => identify(app, ws.writeKey, `many-${i % 10}`)));
    expect(answers.filter((a) => a.statusCode !== 200)).toEqual([]);
  });
});

describe('security headers', () => {
  it('every answer carries helmet headers and the web-UI CSP', async () => {
    const { app } = await appWith();
    const answers = [
      await app.inject({ url: '/healthz' }),
      await app.inject({ url: '/api/v1/segments', headers: admin() }),
      await app.inject({ url: '/api/v1/segments' }),
      await app.inject({ url: '/api/no/such/route' }),
      await identify(app, ws.writeKey),
    ];
    for (const answer of answers) {
      const csp = String(answer.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ])
        expect(csp, `${answer.statusCode} ${answer.body}`).toContain(directive);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|upgrade-insecure-requests/);
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(answer.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('Swagger UI at /api/docs loads every file it names, under a CSP that allows them and no inline script', async () => {
    const { app } = await appWith();
    const index = await app.inject({ url: '/api/docs/' });
    expect(index.statusCode).toBe(200);
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    // Its one relaxation: React sets inline styles; the icons are data: URLs.
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    // Every script is a file of its own (no inline code for a nonce-less 'self' to block).
    const scripts = [...index.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const [, attributes, code] of scripts) {
      expect(attributes).toMatch(/src="/);
      expect(code?.trim()).toBe('');
    }
    expect(index.body).not.toMatch(/\son[a-z]+=/);
    const files = [...index.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, 'http://strata.test/api/docs/').pathname);
    expect(files).toEqual(expect.arrayContaining(['/api/docs/static/swagger-ui-bundle.js', '/api/docs/static/swagger-initializer.js']));
    for (const file of files) {
      // Same origin, so 'self' covers each of them.
      const loaded = await app.inject({ url: file });
      expect(loaded.statusCode, file).toBe(200);
    }
    // The initializer fetches the document from ./json, which connect-src 'self' allows.
    const initializer = await app.inject({ url: '/api/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain("resolveUrl('./json')");
    expect(csp).toContain("connect-src 'self'");
    expect((await app.inject({ url: '/api/docs/json' })).json<{ openapi: string }>().openapi).toMatch(/^3\./);
  });

  it('survey pages render and take their answer with the headers in place', async () => {
    const { app } = await appWith();
    const link = await app.inject({
      method: 'POST',
      url: '/api/v1/surveys/links',
      headers: admin(),
      payload: { userId: 'ada', kind: 'nps' },
    });
    expect(link.statusCode, link.body).toBe(200);
    const url = new URL(link.json<{ url: string }>().url);
    const page = await app.inject({ url: `${url.pathname}?score=9` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post"');
    // The page's own policy: its inline <style> and its form that posts to itself.
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(page.headers['x-frame-options']).toBe('DENY');
    const sent = await app.inject({
      method: 'POST',
      url: url.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'score=9&comment=great',
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.body).toMatch(/thank/i);
  });
});

describe('CORS', () => {
  const preflight = (app: FastifyInstance, url: string, origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('is off for the management API unless configured', async () => {
    const { app } = await appWith();
    const answer = await preflight(app, '/api/v1/segments', 'https://app.example.com');
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const get = await app.inject({ url: '/api/v1/segments', headers: { ...admin(), origin: 'https://app.example.com' } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the configured origins on /api/v1, and leaves ingestion to the allowed origins of each workspace', async () => {
    const { app } = await appWith({ corsOrigins: ['https://app.example.com'] });
    const allowed = await preflight(app, '/api/v1/segments', 'https://app.example.com');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.example', 'http://app.example.com', 'null']) {
      const refused = await preflight(app, '/api/v1/segments', origin);
      expect(refused.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    const get = await app.inject({ url: '/api/v1/segments', headers: { ...admin(), origin: 'https://app.example.com' } });
    expect([get.statusCode, get.headers['access-control-allow-origin']]).toEqual([200, 'https://app.example.com']);
    expect(String(get.headers['access-control-expose-headers'])).toContain('x-request-id');

    // Ingestion is not governed by STRATA_CORS_ORIGINS but by each workspace's allowedOrigins
    // (none by default): Segment's browser client posts as a simple request, which is refused.
    const simple = await app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { origin: 'https://shop.example.com', 'content-type': 'text/plain' },
      payload: JSON.stringify({ writeKey: ws.writeKey, userId: 'ada', event: 'viewed' }),
    });
    expect(simple.statusCode, simple.body).toBe(403);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(app, '/v1/track', 'https://app.example.com')).headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('/metrics', () => {
  const token = 'metrics-token-0123456789abcdef';
  const scrape = (app: FastifyInstance, remoteAddress: string, bearer?: string) =>
    app.inject({ url: '/metrics', remoteAddress, ...(bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {}) });

  it('answers loopback by default and 403 to anyone else', async () => {
    const { app } = await appWith();
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect((await scrape(app, address)).statusCode, address).toBe(200);
    const refused = await scrape(app, '203.0.113.9');
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('STRATA_METRICS_TOKEN'),
    });
    expect(refused.body).not.toContain('strata_');
    expect((await scrape(app, '203.0.113.9', 'anything-at-all-0000000000')).statusCode).toBe(403);
  });

  it('lets in the token from anywhere and the configured ranges', async () => {
    const { app } = await appWith({ metricsAccess: { token, allow: ['10.0.0.0/8', 'fd00::/8'] } });
    expect((await scrape(app, '203.0.113.9', token)).statusCode).toBe(200);
    expect((await scrape(app, '203.0.113.9', `${token}x`)).statusCode).toBe(403);
    expect((await scrape(app, '203.0.113.9', token.slice(0, -1))).statusCode).toBe(403);
    expect((await scrape(app, '10.1.2.3')).statusCode).toBe(200);
    expect((await scrape(app, '::ffff:10.1.2.3')).statusCode).toBe(200);
    expect((await scrape(app, 'fd12::1')).statusCode).toBe(200);
    expect((await scrape(app, '11.0.0.1')).statusCode).toBe(403);
    // Loopback is in the default list only: a configured list replaces it.
    expect((await scrape(app, '127.0.0.1')).statusCode).toBe(403);
    const none = await appWith({ metricsAccess: { token, allow: [] } });
    expect((await scrape(none.app, '127.0.0.1')).statusCode).toBe(403);
    expect((await scrape(none.app, '127.0.0.1', token)).statusCode).toBe(200);
  });
});
