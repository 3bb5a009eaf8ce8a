import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test-support/browser.js';
import { serveStaticPage, type StaticPageServer } from '../../../test-support/static-page-server.js';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

// posthog-js's own browser build (it defines window.posthog), loaded by a page as a site would.
const posthogJs = createRequire(import.meta.url).resolve('posthog-js/dist/array.full.js');

let database: TestDatabase;
let app: FastifyInstance;
let ws: TestWorkspace;
let strataUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
  ws = await createTestWorkspace(database);
  strataUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const person = async (userId: string) =>
  app.inject({ method: 'GET', url: `/api/v1/people/${encodeURIComponent(userId)}`, headers: admin() });
const account = async (groupId: string) => app.inject({ method: 'GET', url: `/api/v1/accounts/${groupId}`, headers: admin() });
const stats = async (): Promise<{ stored: number; rejected: number; deduplicated: number }> =>
  (await app.inject({ method: 'GET', url: '/api/v1/ingestion/stats', headers: admin() })).json();
const capture = (path: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', ...headers }, payload });

/** Polls until `check` passes: clients send in the background, on their own schedule. */
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

describe('posthog-node, unchanged, with a write key as the project key', () => {
  it('identifies with $set and $set_once, groups, and captures events linked to the account', async () => {
    const client = new PostHog(ws.writeKey, { host: strataUrl, flushAt: 1, flushInterval: 0 });
    const errors: unknown[] = [];
    client.on('error', (error) => errors.push(error));
    client.identify({ distinctId: 'ph-ada', properties: { $set: { plan: 'pro' }, $set_once: { first_plan: 'trial' } } });
    client.identify({ distinctId: 'ph-ada', properties: { $set: { seats: 4 }, $set_once: { first_plan: 'pro' } } });
    client.groupIdentify({ groupType: 'company', groupKey: 'ph-acme', properties: { industry: 'FinTech' } });
    client.capture({ distinctId: 'ph-ada', event: 'report exported', properties: { format: 'csv' }, groups: { company: 'ph-acme' } });
    client.capture({ distinctId: 'ph-ada', event: '$pageview', properties: { $current_url: 'https://app.example.com/billing' } });
    await client.shutdown(20_000);
    expect(errors).toEqual([]);

    const ada = (await person('ph-ada')).json();
    // $set_once keeps the first value: the second identify's first_plan does not replace it.
    expect(ada.traits).toEqual({ plan: 'pro', seats: 4, first_plan: 'trial' });
    expect(ada.events.map((e: { type: string; name: string }) => `${e.type}:${e.name}`).sort()).toEqual(['page:', 'track:report exported']);
    expect(ada.events.find((e: { type: string }) => e.type === 'page').properties).toEqual({ url: 'https://app.example.com/billing' });
    expect(ada.accounts).toEqual([expect.objectContaining({ groupId: 'ph-acme', traits: { industry: 'FinTech' } })]);
    expect((await account('ph-acme')).json().people).toEqual([expect.objectContaining({ userId: 'ph-ada' })]);
  });

  it('merges the anonymous distinct id into the person, as an alias does', async () => {
    await capture('/batch/', JSON.stringify({ api_key: ws.writeKey, batch: [{ event: 'visited', distinct_id: 'anon-ph-1' }] }));
    const client = new PostHog(ws.writeKey, { host: strataUrl, flushAt: 1, flushInterval: 0 });
    client.identify({ distinctId: 'ph-grace', properties: { $anon_distinct_id: 'anon-ph-1', $set: { plan: 'team' } } });
    client.alias({ distinctId: 'ph-grace', alias: 'crm-grace' });
    await client.shutdown(20_000);
    const grace = (await person('ph-grace')).json();
    expect(grace.traits).toEqual({ plan: 'team' });
    expect(grace.events.map((e: { name: string }) => e.name)).toEqual(['visited']);
    expect((await person('anon-ph-1')).json().userId).toBe('ph-grace');
    expect((await person('crm-grace')).json().userId).toBe('ph-grace');
  });
});

describe('the capture API', () => {
  it('takes gzip by header or by ?compression=gzip-js, and base64 forms, on /e/, /capture/ and /i/v0/e/', async () => {
    const event = (uuid: string, name: string) => ({ event: name, uuid, properties: { distinct_id: 'forms', token: ws.writeKey } });
    const gzipped = gzipSync(JSON.stringify([event('00000000-0000-4000-8000-000000000001', 'gz-header')]));
    expect((await capture('/e/', gzipped, { 'content-encoding': 'gzip' })).statusCode).toBe(200);
    const gzipJs = gzipSync(JSON.stringify([event('00000000-0000-4000-8000-000000000002', 'gz-query')]));
    expect((await capture('/i/v0/e/?compression=gzip-js', gzipJs, { 'content-type': 'text/plain' })).statusCode).toBe(200);
    const base64 = Buffer.from(JSON.stringify(event('00000000-0000-4000-8000-000000000003', 'b64-form'))).toString('base64');
    const form = `data=${encodeURIComponent(base64)}&compression=base64`;
    expect((await capture('/capture/', form, { 'content-type': 'application/x-www-form-urlencoded' })).statusCode).toBe(200);
    const names = (await person('forms')).json().events.map((e: { name: string }) => e.name);
    expect(names.sort()).toEqual(['b64-form', 'gz-header', 'gz-query']);
  });

  it('deduplicates by uuid and counts what it stored, deduplicated and rejected', async () => {
    const before = await stats();
    const body = JSON.stringify({
      api_key: ws.writeKey,
      batch: [{ event: 'once', distinct_id: 'dedupe', uuid: '00000000-0000-4000-8000-0000000000aa' }],
    });
    expect((await capture('/batch/', body)).statusCode).toBe(200);
    expect((await capture('/batch/', body)).statusCode).toBe(200);
    expect((await person('dedupe')).json().events).toHaveLength(1);
    const after = await stats();
    expect(after.stored - before.stored).toBe(1);
    expect(after.deduplicated - before.deduplicated).toBe(1);
  });

  it('names every bad event, stores nothing, and counts them rejected', async () => {
    const before = await stats();
    const answer = await capture(
      '/batch/',
      JSON.stringify({
        api_key: ws.writeKey,
        batch: [{ event: 'fine', distinct_id: 'bad-batch' }, { distinct_id: 'bad-batch' }, { event: 'no one' }],
      }),
    );
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.details).toEqual([
      expect.objectContaining({ index: 1, field: 'event', code: 'missing-field' }),
      expect.objectContaining({ index: 2, field: 'distinct_id', code: 'missing-field' }),
    ]);
    expect((await person('bad-batch')).statusCode).toBe(404);
    expect((await stats()).rejected - before.rejected).toBe(3);
    expect((await capture('/batch/', JSON.stringify({ api_key: 'phc_wrong', batch: [] }))).statusCode).toBe(401);
  });

  it('answers /decide and /flags with no flags', async () => {
    for (const path of ['/decide/?v=3', '/flags/?v=2']) {
      const answer = await capture(path, JSON.stringify({ token: ws.writeKey, distinct_id: 'x' }));
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ featureFlags: {}, flags: {}, errorsWhileComputingFlags: false });
    }
  });
});

describe('posthog-js in Chromium, from an allowed origin', () => {
  let site: StaticPageServer;
  let browser: Browser;
  beforeAll(async () => {
    const page = `<!doctype html><html><head><title>Docs</title><script src="/posthog.js"></script></head><body><script>
      const params = new URLSearchParams(location.search);
      posthog.init(params.get('key'), {
        api_host: params.get('strata'),
        autocapture: false,
        capture_pageleave: false,
        disable_session_recording: true,
        persistence: 'memory',
        // Headless Chromium's user agent says HeadlessChrome, which posthog-js drops as a bot.
        opt_out_useragent_filter: true,
      });
      posthog.identify('js-ada', { plan: 'pro' }, { first_seen_plan: 'pro' });
      posthog.group('company', 'js-acme', { industry: 'Retail' });
      posthog.capture('invited teammate', { seats: 2 });
    </script></body></html>`;
    site = await serveStaticPage(page, { '/posthog.js': posthogJs });
    browser = await launchChromium();
    await app.inject({ method: 'PUT', url: '/api/v1/settings/ingestion', headers: admin(), payload: { allowedOrigins: [site.origin] } });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('sends pageview, identify, group and events that land on the profile and its account', async () => {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(`${site.origin}/?key=${encodeURIComponent(ws.writeKey)}&strata=${encodeURIComponent(strataUrl)}`);
    await eventually(async () => {
      const ada = (await person('js-ada')).json();
      expect(ada.traits).toMatchObject({ plan: 'pro', first_seen_plan: 'pro' });
      expect(ada.events.map((e: { type: string; name: string }) => `${e.type}:${e.name}`)).toEqual(
        expect.arrayContaining(['page:', 'track:invited teammate']),
      );
      expect(ada.accounts).toEqual([expect.objectContaining({ groupId: 'js-acme', traits: { industry: 'Retail' } })]);
    });
    const ada = (await person('js-ada')).json();
    const pageview = ada.events.find((e: { type: string }) => e.type === 'page');
    expect(pageview.properties.url).toContain(site.origin);
    expect(pageview.context).toMatchObject({ library: { name: 'web' }, page: { path: '/' } });
    await tab.close();
    expect(errors).toEqual([]);
  });
});
