import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundRuntime, SecretBox, sendOutboundRequest } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: BackgroundRuntime;
let receiver: Server;
let receiverUrl: string;
let answer = 200;
const received: Received[] = [];
const secrets = new SecretBox(randomBytes(32));

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { secrets });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  runtime = new BackgroundRuntime({
    db: database.db,
    pool: database.pool,
    now: () => new Date(),
    services: {
      secrets,
      // The receiver is on loopback: allowed here as STRATA_ALLOW_PRIVATE_WEBHOOKS=true allows it.
      post: async (request) => {
        const response = await sendOutboundRequest({ ...request, method: 'POST' }, { allowPrivate: true, timeoutMs: 5000 });
        return { status: response.status, body: response.body };
      },
    },
    subscriberPollMs: 200,
  });
  await runtime.start();
});
afterAll(async () => {
  await runtime.stop();
  await app.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function identify(userId: string, plan: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId, traits: { plan }, messageId: `m-${randomBytes(6).toString('hex')}` },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
type Delivery = {
  id: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  payload: { type: string; data: { id: string } };
};
async function deliveries(key: string, query = ''): Promise<Delivery[]> {
  const response = await app.inject({ url: `/api/v1/webhooks/${key}/deliveries${query}`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Delivery[] }>().items;
}

// One scenario: each step builds on the segment, webhook and deliveries of the steps before it.
describe('membership webhooks', { shuffle: false }, () => {
  let secret: string;

  it('creates a webhook and answers its secret once; refuses unknown segments naming the field', async () => {
    const segment = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'pro', name: 'Pro', target: 'person', rule: 'plan = "pro"' },
    });
    expect(segment.statusCode, segment.body).toBe(201);
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/v1/webhooks/crm',
      headers: admin(),
      payload: { url: receiverUrl, events: ['segment.entered'], segments: ['pro', 'nope'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: 'INVALID_INPUT', details: [{ field: 'segments[1]' }] } });
    const created = await app.inject({
      method: 'PUT',
      url: '/api/v1/webhooks/crm',
      headers: admin(),
      payload: { url: receiverUrl, events: ['segment.entered', 'segment.exited'], segments: ['pro'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    secret = created.json<{ secret: string }>().secret;
    expect(secret).toMatch(/^whsec_/);
    const shown = await app.inject({ url: '/api/v1/webhooks/crm', headers: admin() });
    expect(shown.json()).not.toHaveProperty('secret');
  });

  it('delivers an enter and an exit, signed so that standardwebhooks verifies them', async () => {
    await identify('ada', 'pro');
    await until('the enter', () => (received.length >= 1 ? true : undefined));
    await identify('ada', 'free');
    await until('the exit', () => (received.length >= 2 ? true : undefined));
    const verifier = new Webhook(secret);
    const payloads = received.map(
      (r) => verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> },
    );
    expect(payloads.map((p) => [p.type, p.data.segment, p.data.id])).toEqual([
      ['segment.entered', 'pro', 'ada'],
      ['segment.exited', 'pro', 'ada'],
    ]);
    // A forged body does not verify.
    expect(() => verifier.verify(received[0]!.body.replace('ada', 'eve'), received[0]!.headers as Record<string, string>)).toThrow();
    // The receiver has the post before the delivery task records its answer.
    const listed = await until('both recorded', async () => {
      const items = await deliveries('crm');
      return items.length === 2 && items.every((d) => d.status !== 'pending') ? items : undefined;
    });
    expect(listed.map((d) => [d.payload.type, d.status, d.attempts, d.lastStatus])).toEqual([
      ['segment.exited', 'delivered', 1, 200],
      ['segment.entered', 'delivered', 1, 200],
    ]);
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set(listed.map((d) => d.id)));
  });

  it('shows the subscriber caught up in the system view', async () => {
    const response = await app.inject({ url: '/api/v1/system/subscribers', headers: admin() });
    expect(response.statusCode, response.body).toBe(200);
    const [status] =
      response.json<Array<{ name: string; backlog: number; lagSeconds: number; lastError: string | null; cursor: string }>>();
    expect(status).toMatchObject({ name: 'membership-webhooks', backlog: 0, lagSeconds: 0, lastError: null });
    expect(status!.cursor).toMatch(/^\d+\.\d+$/);
  });

  it('retries a failing receiver with the same webhook-id, dead-letters it after its last attempt, and sends it again on request', async () => {
    answer = 500;
    const before = received.length;
    await identify('bob', 'pro');
    const [pending] = await until('a failed attempt', async () => {
      const items = await deliveries('crm', '?status=pending');
      return items.length === 1 && items[0]!.attempts >= 1 ? items : undefined;
    });
    expect(pending!.lastStatus).toBe(500);
    // The next attempt would be seconds away; make it the last one and due now.
    await database.pool.query(
      `UPDATE graphile_worker._private_jobs SET max_attempts = attempts + 1, run_at = now() WHERE payload->>'messageId' = $1`,
      [pending!.id],
    );
    const [failed] = await until('the message dead-lettered', async () => {
      const items = await deliveries('crm', '?status=failed');
      return items.length === 1 ? items : undefined;
    });
    expect(failed!.attempts).toBe(2);
    const dead = await app.inject({ url: '/api/v1/system/jobs?state=dead', headers: admin() });
    expect(dead.json()).toMatchObject([{ task: 'deliver-webhook', state: 'dead' }]);
    const ids = received.slice(before).map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([pending!.id, pending!.id]);

    answer = 200;
    const retry = await app.inject({ method: 'POST', url: `/api/v1/webhooks/crm/deliveries/${failed!.id}/retry`, headers: admin() });
    expect(retry.statusCode, retry.body).toBe(202);
    await until('the retried delivery', async () => ((await deliveries('crm', '?status=delivered')).length === 3 ? true : undefined));
    expect(received.at(-1)!.headers['webhook-id']).toBe(failed!.id);
    const again = await app.inject({ method: 'POST', url: `/api/v1/webhooks/crm/deliveries/${failed!.id}/retry`, headers: admin() });
    expect(again.statusCode).toBe(409);
  });

  it('is scoped to its workspace and goes away with DELETE', async () => {
    const other = await createTestWorkspace(database);
    const foreign = await app.inject({ url: '/api/v1/webhooks/crm', headers: { authorization: `Bearer ${other.adminKey}` } });
    expect(foreign.statusCode).toBe(404);
    const removed = await app.inject({ method: 'DELETE', url: '/api/v1/webhooks/crm', headers: admin() });
    expect(removed.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/v1/webhooks/crm', headers: admin() })).statusCode).toBe(404);
  });
});
