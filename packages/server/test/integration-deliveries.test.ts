import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';
import { connectIntegrations, signWebhook } from '../../../test-support/webhooks.js';

const fixtures = join(import.meta.dirname, '../../../test-support/fixtures');
const zendeskTicket = readFileSync(join(fixtures, 'zendesk/ticket_created.json'), 'utf8');
const secret = 'whsec_strata_test_secret_0123456789';
let nowMs = Date.UTC(2026, 2, 10, 12);
const seconds = () => Math.floor(nowMs / 1000);

let database: TestDatabase;
let ws: TestWorkspace;
let other: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let urls: Map<string, string>;

interface IntegrationView {
  provider: string;
  lastDeliveryAt: string | null;
  deliveries: { accepted: number; refused: number };
  lastError: { at: string; message: string } | null;
}

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  other = await createTestWorkspace(database, 'other');
  app = await createTestApp(database, { now: () => new Date(nowMs) });
  urls = await connectIntegrations(app, ws.adminKey, secret);
  await connectIntegrations(app, other.adminKey, secret);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const deliver = (provider: string, body: string, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: urls.get(provider)!, headers: { 'content-type': 'application/json', ...headers }, payload: body });

async function integration(provider: string, key = ws.adminKey): Promise<IntegrationView> {
  const response = await app.inject({
    method: 'GET',
    url: `/api/v1/integrations/${provider}`,
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json<IntegrationView>();
}

describe('deliveries counted on the integration', () => {
  it('starts with no delivery', async () => {
    expect(await integration('zendesk')).toMatchObject({ lastDeliveryAt: null, deliveries: { accepted: 0, refused: 0 }, lastError: null });
  });

  it('counts a good signed delivery, a bad signature and a body that is not JSON, with the last error', async () => {
    const good = await deliver('zendesk', zendeskTicket, signWebhook('zendesk', zendeskTicket, secret, seconds()));
    expect(good.statusCode).toBe(200);
    const firstAt = new Date(nowMs).toISOString();
    expect(await integration('zendesk')).toMatchObject({
      lastDeliveryAt: firstAt,
      deliveries: { accepted: 1, refused: 0 },
      lastError: null,
    });

    nowMs += 60_000;
    const forged = await deliver('zendesk', zendeskTicket, signWebhook('zendesk', zendeskTicket, 'not-the-secret-at-all', seconds()));
    expect(forged.statusCode).toBe(401);
    const badSignatureAt = new Date(nowMs).toISOString();
    expect(await integration('zendesk')).toMatchObject({
      lastDeliveryAt: badSignatureAt,
      deliveries: { accepted: 1, refused: 1 },
      lastError: { at: badSignatureAt, message: 'webhook refused: bad-signature' },
    });

    nowMs += 60_000;
    const notJson = 'hello, this is not JSON {';
    const garbled = await deliver('zendesk', notJson, signWebhook('zendesk', notJson, secret, seconds()));
    expect(garbled.statusCode).toBe(400);
    const view = await integration('zendesk');
    expect(view).toMatchObject({
      lastDeliveryAt: new Date(nowMs).toISOString(),
      deliveries: { accepted: 1, refused: 2 },
      lastError: { at: new Date(nowMs).toISOString(), message: 'the body is not JSON' },
    });
    // The error says why, never what was sent.
    expect(JSON.stringify(view)).not.toContain('hello');
  });

  it('names the field of a signed delivery the provider sent with an invalid field', async () => {
    nowMs += 60_000;
    const body = JSON.stringify({ id: 'evt-1', type: 'zen:event-type:ticket.created', detail: { subject: 'no id' } });
    const response = await deliver('zendesk', body, signWebhook('zendesk', body, secret, seconds()));
    expect(response.statusCode).toBe(400);
    const view = await integration('zendesk');
    expect(view.deliveries).toEqual({ accepted: 1, refused: 3 });
    expect(view.lastError?.message).toMatch(/^detail\.id: /);
    expect(view.lastError?.message).not.toContain('no id');
  });

  it('counts every one of concurrent deliveries', async () => {
    nowMs += 60_000;
    const before = (await integration('intercom')).deliveries;
    const body = '{"not": "signed"';
    const responses = await Promise.all(Array.from({ length: 12 }, () => deliver('intercom', body, { 'x-hub-signature': 'sha1=00' })));
    expect(responses.every((r) => r.statusCode === 401)).toBe(true);
    expect((await integration('intercom')).deliveries).toEqual({ accepted: before.accepted, refused: before.refused + 12 });
  });

  it('keeps a long reason bounded', async () => {
    nowMs += 60_000;
    const long = 'x'.repeat(500);
    const body = JSON.stringify({ id: 'evt-2', type: 'zen:event-type:ticket.created', detail: { [long]: 1 }, [long]: { [long]: 1 } });
    await deliver('zendesk', body, signWebhook('zendesk', body, secret, seconds()));
    const view = await integration('zendesk');
    expect(view.deliveries.refused).toBe(4);
    expect(view.lastError!.message.length).toBeLessThanOrEqual(200);
  });

  it("lists the workspace's integrations with their counts, and another workspace's stay apart", async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/integrations', headers: { authorization: `Bearer ${ws.adminKey}` } });
    expect(response.statusCode).toBe(200);
    const items = response.json<{ items: IntegrationView[] }>().items;
    expect(items.map((i) => i.provider)).toEqual(['delighted', 'freshdesk', 'intercom', 'stripe', 'zendesk']);
    expect(items.find((i) => i.provider === 'zendesk')!.deliveries.accepted).toBe(1);
    expect(await integration('zendesk', other.adminKey)).toMatchObject({ lastDeliveryAt: null, deliveries: { accepted: 0, refused: 0 } });
  });

  it('counts nothing for a URL that names no workspace', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/zendesk/not-a-token',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(404);
    expect((await integration('zendesk')).deliveries.refused).toBe(4);
  });
});
