import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../../../test-support/browser.js';
import { serveStaticPage, type StaticPageServer } from '../../../test-support/static-page-server.js';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

// The npm package's own browser build (UMD: it defines window.AnalyticsNext), loaded by a page as a site would.
const analyticsNext = createRequire(import.meta.url).resolve('@segment/analytics-next/dist/umd/index.js');

let database: TestDatabase;
let app: FastifyInstance;
let ws: TestWorkspace;
let strataUrl: string;
let site: StaticPageServer;
let browser: Browser;

const page = `<!doctype html><html><head><title>Pricing</title><script src="/analytics-next.js"></script></head><body>
<script>
  window.sent = (async () => {
    const params = new URLSearchParams(location.search);
    const [analytics] = await AnalyticsNext.AnalyticsBrowser.load({ writeKey: params.get('key'), cdnURL: params.get('strata') });
    await analytics.page();
    await analytics.identify('browser-ada', { plan: 'pro', email: 'ada@example.com' });
    await analytics.track('Report Exported', { format: 'csv' });
    return 'sent';
  })().catch((error) => 'failed: ' + (error && error.message ? error.message : String(error)));
</script></body></html>`;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
  ws = await createTestWorkspace(database);
  strataUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  site = await serveStaticPage(page, { '/analytics-next.js': analyticsNext });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await app.close();
  await database.drop();
});

const admin = { authorization: () => `Bearer ${ws.adminKey}` };
const person = async (userId: string) =>
  app.inject({ method: 'GET', url: `/api/v1/people/${userId}`, headers: { authorization: admin.authorization() } });
const setOrigins = (allowedOrigins: string[]) =>
  app.inject({
    method: 'PUT',
    url: '/api/v1/settings/ingestion',
    headers: { authorization: admin.authorization() },
    payload: { allowedOrigins },
  });

async function openSite(key: string): Promise<{ tab: Page; outcome: string }> {
  const tab = await browser.newPage();
  await tab.goto(`${site.origin}/?key=${encodeURIComponent(key)}&strata=${encodeURIComponent(strataUrl)}`);
  const outcome = await tab.evaluate(() => (globalThis as unknown as { sent: Promise<string> }).sent);
  return { tab, outcome };
}

/** Polls until `check` passes: the client sends in the background, on its own schedule. */
async function eventually(check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

it('takes nothing from a page whose origin the workspace has not allowed (none by default)', async () => {
  const { tab } = await openSite(ws.writeKey);
  const settings = await tab.evaluate(
    async ([strata, key]) => (await fetch(`${strata}/v1/projects/${key}/settings`).catch(() => undefined))?.status ?? 'blocked',
    [strataUrl, ws.writeKey] as const,
  );
  // Strata refuses it, and without CORS headers the page cannot even read the refusal.
  expect(settings).toBe('blocked');
  await tab.close();
  expect((await person('browser-ada')).statusCode).toBe(404);
});

it("takes page, identify and track from @segment/analytics-next's browser build, unchanged, from an allowed origin", async () => {
  expect((await setOrigins([site.origin])).json()).toEqual({ allowedOrigins: [site.origin], allowIp: false });
  const { tab, outcome } = await openSite(ws.writeKey);
  expect(outcome).toBe('sent');
  await eventually(async () => {
    const profile = (await person('browser-ada')).json();
    expect(profile.traits).toEqual({ plan: 'pro', email: 'ada@example.com' });
    expect(profile.events.map((e: { type: string; name: string }) => `${e.type}:${e.name}`).sort()).toEqual([
      'page:',
      'track:Report Exported',
    ]);
    const track = profile.events.find((e: { name: string }) => e.name === 'Report Exported');
    expect(track.properties).toEqual({ format: 'csv' });
    expect(track.context).toMatchObject({
      library: { name: 'analytics.js' },
      page: { title: 'Pricing', url: expect.stringContaining(site.origin) },
    });
    expect(track.context.userAgent).toMatch(/Chrome/);
  });
  await tab.close();
});

it('refuses a key that can do more than ingest when a page sends it', async () => {
  const answer = await app.inject({
    method: 'POST',
    url: '/v1/t',
    headers: { 'content-type': 'text/plain', origin: site.origin },
    payload: JSON.stringify({ writeKey: ws.adminKey, userId: 'leaky', event: 'x' }),
  });
  expect(answer.statusCode).toBe(403);
  expect(answer.json().error.message).toMatch(/single scope ingest/);
  expect((await person('leaky')).statusCode).toBe(404);
});

it("answers preflights from allowed origins only, and takes the batching mode's /v1/b", async () => {
  const preflight = (origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/b',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  const allowed = await preflight(site.origin);
  expect(allowed.statusCode).toBe(204);
  expect(allowed.headers['access-control-allow-origin']).toBe(site.origin);
  expect((await preflight('https://elsewhere.example')).statusCode).toBe(403);

  const batch = await app.inject({
    method: 'POST',
    url: '/v1/b',
    headers: { 'content-type': 'text/plain', origin: site.origin },
    payload: JSON.stringify({
      writeKey: ws.writeKey,
      sentAt: new Date().toISOString(),
      batch: [
        { type: 'identify', userId: 'batched', traits: { plan: 'team' } },
        { type: 'track', userId: 'batched', event: 'Invited' },
      ],
    }),
  });
  expect(batch.statusCode).toBe(200);
  expect(batch.headers['access-control-allow-origin']).toBe(site.origin);
  expect((await person('batched')).json()).toMatchObject({ traits: { plan: 'team' }, events: [{ name: 'Invited' }] });

  const elsewhere = await app.inject({
    method: 'POST',
    url: '/v1/t',
    headers: { 'content-type': 'text/plain', origin: 'https://elsewhere.example' },
    payload: JSON.stringify({ writeKey: ws.writeKey, userId: 'batched', event: 'Hijacked' }),
  });
  expect(elsewhere.statusCode).toBe(403);
  expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
});
