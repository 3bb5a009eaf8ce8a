import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let app: FastifyInstance;
let ws: TestWorkspace;
let other: TestWorkspace;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
  ws = await createTestWorkspace(database);
  other = await createTestWorkspace(database);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const post = (path: string, body: unknown, key = ws.writeKey, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', authorization: basicAuth(key), ...headers },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
const get = (path: string, key = ws.readKey) => app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${key}` } });
const stats = async (key = ws.readKey) =>
  (await get('/api/v1/ingestion/stats', key)).json<{ received: number; stored: number; rejected: number; deduplicated: number }>();
const eventCount = async (workspaceId: string) =>
  Number(
    (
      await database.owner
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('Segment-compatible ingestion', () => {
  it('stores identify, group, track, page and screen and shows them on the profile', async () => {
    expect(
      (await post('/v1/identify', { userId: 'ada', traits: { plan: 'pro', email: 'ada@acme.com' }, messageId: 'i-1' })).json(),
    ).toEqual({ success: true });
    expect(
      (
        await post('/v1/group', {
          userId: 'ada',
          groupId: 'acme',
          traits: { plan: 'enterprise', mrr: 4200 },
          context: { membership: { role: 'admin' } },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await post('/v1/track', { userId: 'ada', event: 'login', properties: { method: 'sso' }, context: { groupId: 'acme' } })).statusCode,
    ).toBe(200);
    expect((await post('/v1/page', { userId: 'ada', name: 'Dashboard', properties: { path: '/d' } })).statusCode).toBe(200);
    expect((await post('/v1/screen', { userId: 'ada', name: 'Home' })).statusCode).toBe(200);

    const person = (await get('/api/v1/people/ada')).json();
    expect(person.traits).toEqual({ plan: 'pro', email: 'ada@acme.com' });
    expect(person.accounts).toEqual([{ groupId: 'acme', traits: { plan: 'enterprise', mrr: 4200 }, membership: { role: 'admin' } }]);
    expect(person.events.map((e: { name: string; type: string }) => `${e.type}:${e.name}`).sort()).toEqual([
      'page:Dashboard',
      'screen:Home',
      'track:login',
    ]);
    expect(person.events.find((e: { name: string }) => e.name === 'login').groupId).toBe('acme');

    const account = (await get('/api/v1/accounts/acme')).json();
    expect(account.people).toEqual([{ userId: 'ada', traits: { plan: 'pro', email: 'ada@acme.com' }, membership: { role: 'admin' } }]);
  });

  it('accepts the write key in the body, gzip bodies, and JSON under any content type', async () => {
    const body = { batch: [{ type: 'track', userId: 'gz', event: 'login', messageId: 'gz-1' }], writeKey: ws.writeKey };
    const gz = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify(body)),
    });
    expect(gz.json()).toEqual({ success: true });
    const plain = await app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ userId: 'gz', event: 'x', writeKey: ws.writeKey }),
    });
    expect(plain.statusCode).toBe(200);
    expect((await get('/api/v1/people/gz')).json().events).toHaveLength(2);
  });

  it('reads a body sent with no Content-Type at all', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: JSON.stringify({ userId: 'bare', event: 'e' }),
    });
    expect(response.json()).toEqual({ success: true });
  });

  it('refuses a malformed batch whole, listing every bad index and field', async () => {
    const before = await stats();
    const response = await post('/v1/batch', {
      batch: [
        { type: 'track', userId: 'ok', event: 'fine', messageId: 'bad-batch-0' },
        { type: 'track', userId: 'x' },
        { type: 'identify', traits: { a: 1 } },
        { type: 'teleport', userId: 'x' },
        { type: 'identify', userId: 'x', traits: 'not an object', timestamp: 'yesterday' },
      ],
    });
    expect(response.statusCode).toBe(400);
    const details = response.json().error.details as Array<{ index: number; field: string; code: string }>;
    expect(details.map((d) => [d.index, d.field, d.code])).toEqual([
      [1, 'event', 'missing-field'],
      [2, 'userId', 'missing-field'],
      [3, 'type', 'unknown-type'],
      [4, 'timestamp', 'invalid-value'],
      [4, 'traits', 'invalid-type'],
    ]);
    expect((await get('/api/v1/people/ok')).statusCode).toBe(404);
    const after = await stats();
    expect(after.rejected - before.rejected).toBe(5);
    expect(after.stored).toBe(before.stored);
  });

  it('answers 400 for bad JSON and a missing batch array', async () => {
    expect((await post('/v1/batch', '{"batch": [')).json().error.message).toMatch(/not valid JSON/);
    expect((await post('/v1/batch', { notBatch: [] })).json().error.message).toMatch(/batch must be an array/);
  });

  it('enforces 32 KB per message, 500 KB per request and 2,500 messages per batch, naming the limit', async () => {
    const big = await post('/v1/track', { userId: 'big', event: 'e', properties: { blob: 'x'.repeat(33 * 1024) } });
    expect(big.statusCode).toBe(400);
    expect(big.json().error.message).toMatch(/32 KB/);

    const tooMuch = await post('/v1/batch', {
      batch: Array.from({ length: 40 }, (_, i) => ({
        type: 'track',
        userId: 'u',
        event: 'e',
        properties: { blob: 'x'.repeat(14 * 1024), i },
      })),
    });
    expect(tooMuch.statusCode).toBe(413);
    expect(tooMuch.json().error.message).toMatch(/500 KB/);

    const bomb = gzipSync(
      JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'e', properties: { blob: 'y'.repeat(600 * 1024) } }] }),
    );
    const gzipped = await post('/v1/batch', bomb, ws.writeKey, { 'content-encoding': 'gzip' });
    expect(gzipped.statusCode).toBe(413);

    const many = await post('/v1/batch', { batch: Array.from({ length: 2501 }, () => ({ type: 'track', userId: 'u', event: 'e' })) });
    expect(many.statusCode).toBe(400);
    expect(many.json().error.message).toMatch(/2500 per batch/);
  });

  it('deduplicates by messageId within a workspace, not across workspaces', async () => {
    const before = await stats();
    const batch = {
      batch: [
        { type: 'track', userId: 'dup', event: 'login', messageId: 'same-id' },
        { type: 'track', userId: 'dup', event: 'login', messageId: 'same-id' },
      ],
    };
    expect((await post('/v1/batch', batch)).statusCode).toBe(200);
    expect((await post('/v1/batch', batch)).statusCode).toBe(200);
    expect((await post('/v1/batch', batch, other.writeKey)).statusCode).toBe(200);
    expect((await get('/api/v1/people/dup')).json().events).toHaveLength(1);
    expect((await get('/api/v1/people/dup', other.readKey)).json().events).toHaveLength(1);
    const after = await stats();
    expect(after.stored - before.stored).toBe(1);
    expect(after.deduplicated - before.deduplicated).toBe(3);
    expect(after.received).toBe(after.stored + after.rejected + after.deduplicated);
    expect(await eventCount(other.workspace.id)).toBe(1);
  });

  it('corrects client clock skew with sentAt and flags events from the future', async () => {
    const skew = 3 * 3_600_000; // the client clock runs three hours fast
    const now = Date.now();
    await post('/v1/batch', {
      batch: [
        { type: 'track', userId: 'skew', event: 'clicked', messageId: 'skew-1', timestamp: new Date(now + skew - 60_000).toISOString() },
      ],
      sentAt: new Date(now + skew).toISOString(),
    });
    await post('/v1/track', {
      userId: 'skew',
      event: 'from-future',
      messageId: 'skew-2',
      timestamp: new Date(now + 86_400_000).toISOString(),
    });
    const rows = await database.owner
      .selectFrom('events')
      .select(['name', 'timestamp', 'future'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('message_id', 'in', ['skew-1', 'skew-2'])
      .orderBy('name')
      .execute();
    const clicked = rows.find((r) => r.name === 'clicked')!;
    expect(Math.abs(clicked.timestamp.getTime() - (now - 60_000))).toBeLessThan(5_000);
    expect(clicked.future).toBe(false);
    expect(rows.find((r) => r.name === 'from-future')!.future).toBe(true);
  });

  it('merges an anonymous visitor into the person on identify and on alias', async () => {
    await post('/v1/page', { anonymousId: 'anon-1', name: 'Pricing' });
    await post('/v1/identify', { anonymousId: 'anon-1', userId: 'grace', traits: { plan: 'trial' } });
    const grace = (await get('/api/v1/people/grace')).json();
    expect(grace.anonymousIds).toEqual(['anon-1']);
    expect(grace.events.map((e: { name: string }) => e.name)).toEqual(['Pricing']);

    await post('/v1/identify', { userId: 'old-grace', traits: { company: 'Navy' } });
    await post('/v1/track', { userId: 'old-grace', event: 'login' });
    await post('/v1/alias', { previousId: 'old-grace', userId: 'grace' });
    const merged = (await get('/api/v1/people/grace')).json();
    expect(merged.traits).toEqual({ plan: 'trial', company: 'Navy' });
    expect(merged.events.map((e: { name: string }) => e.name).sort()).toEqual(['Pricing', 'login']);
    expect((await get('/api/v1/people/old-grace')).json().userId).toBe('grace');
  });

  it('resolves traits by event time, not by arrival', async () => {
    await post('/v1/identify', { userId: 'late', traits: { plan: 'enterprise' }, timestamp: '2026-02-01T00:00:00Z' });
    await post('/v1/identify', { userId: 'late', traits: { plan: 'starter', seats: 3 }, timestamp: '2026-01-01T00:00:00Z' });
    expect((await get('/api/v1/people/late')).json().traits).toEqual({ plan: 'enterprise', seats: 3 });
  });

  it('records each trait and property in the field registry with its first-seen type', async () => {
    await post('/v1/identify', { userId: 'typed', traits: { signed_up_at: '2026-01-02T03:04:05Z', seats: 4, vip: true } });
    await post('/v1/track', { userId: 'typed', event: 'feature_used', properties: { feature: 'export' } });
    const rows = await database.owner
      .selectFrom('field_registry')
      .select(['source', 'event_name', 'field', 'type'])
      .where('workspace_id', '=', ws.workspace.id)
      .execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { source: 'person', event_name: '', field: 'signed_up_at', type: 'datetime' },
        { source: 'person', event_name: '', field: 'seats', type: 'number' },
        { source: 'person', event_name: '', field: 'vip', type: 'boolean' },
        { source: 'event', event_name: 'feature_used', field: 'feature', type: 'string' },
      ]),
    );
  });
});

describe('authentication and tenancy', () => {
  it('answers 401 without a key or with a wrong one', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/track', payload: { userId: 'x', event: 'e' } })).statusCode).toBe(401);
    expect((await post('/v1/track', { userId: 'x', event: 'e' }, 'wrong-key-wrong-key-wrong-key')).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/ingestion/stats' })).json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('refuses reads with a write key (403) and ingestion with a read key', async () => {
    expect((await get('/api/v1/ingestion/stats', ws.writeKey)).statusCode).toBe(403);
    expect((await post('/v1/track', { userId: 'x', event: 'e' }, ws.readKey)).statusCode).toBe(403);
  });

  it('answers 404 for unknown ids and for ids of another workspace', async () => {
    await post('/v1/group', { userId: 'tenant-a', groupId: 'tenant-a-co' }, other.writeKey);
    expect((await get('/api/v1/people/nobody')).json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await get('/api/v1/people/tenant-a')).statusCode).toBe(404);
    expect((await get('/api/v1/accounts/tenant-a-co')).statusCode).toBe(404);
    expect((await get('/api/v1/accounts/tenant-a-co', other.readKey)).statusCode).toBe(200);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/people/{userId}', '/api/v1/accounts/{groupId}', '/api/v1/ingestion/stats']),
    );
    expect((await app.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
  });
});

describe('readiness', () => {
  it('answers 503 on /healthz and on the API until the database is ready', async () => {
    const { pino } = await import('pino');
    const { buildApp } = await import('@strata/server');
    const starting = await buildApp({ logger: pino({ level: 'silent' }) });
    expect((await starting.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
    const early = await starting.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: { userId: 'u', event: 'e' },
    });
    expect(early.json()).toMatchObject({ error: { code: 'NOT_READY' } });
    starting.setServices({ db: database.db });
    expect((await starting.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    await starting.app.close();
  });
});
