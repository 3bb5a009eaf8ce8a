import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let app: FastifyInstance;
let ws: TestWorkspace;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
  ws = await createTestWorkspace(database);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const post = (path: string, body: unknown, key = ws.writeKey) =>
  app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', authorization: basicAuth(key) },
    payload: JSON.stringify(body),
  });
const get = (path: string) => app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${ws.adminKey}` } });
const person = async (userId: string): Promise<Record<string, any>> => (await get(`/api/v1/people/${encodeURIComponent(userId)}`)).json();
const eventNames = (profile: Record<string, any>) => (profile['events'] as Array<{ name: string }>).map((e) => e.name).sort();

/** Segment's documented examples, moved to a minute apart ending now (ingestion refuses 2015). */
function specExamples(): Array<Record<string, unknown>> {
  const messages = JSON.parse(readFileSync(new URL('./fixtures/segment-spec/messages.json', import.meta.url), 'utf8')) as Array<
    Record<string, unknown>
  >;
  const now = Date.now();
  return messages.map((message, i) => {
    const at = new Date(now - (messages.length - i) * 60_000).toISOString();
    return { ...message, timestamp: at, sentAt: at, ...(message['originalTimestamp'] ? { originalTimestamp: at } : {}) };
  });
}

describe("Segment's spec examples, replayed", () => {
  it('end as one person under the aliased userId, found by both ids, with each event keeping its context', async () => {
    for (const message of specExamples()) expect((await post('/v1/batch', { batch: [message] })).statusCode).toBe(200);

    const peter = await person('507f191e81');
    expect(peter.userId).toBe('507f191e81');
    expect(peter.traits).toMatchObject({ name: 'Peter Gibbons', email: 'peter@example.com', plan: 'premium', logins: 5 });
    expect(peter.anonymousIds).toContain('507f191e810c19729de860ea');
    expect(eventNames(peter)).toEqual(['Course Clicked', 'Home']);
    expect((await person('97980cfea0067')).userId).toBe('507f191e81');

    const page = peter.events.find((e: { name: string }) => e.name === 'Home');
    expect(page.context).toMatchObject({
      campaign: { source: 'Newsletter', medium: 'email', name: 'TPS Innovation Newsletter' },
      page: { path: '/academy/', title: 'Analytics Academy' },
      locale: 'nl-NL',
      library: { name: 'analytics.js', version: '2.11.1' },
    });
    expect(page.context.userAgent).toMatch(/^Mozilla\/5.0/);
    // The workspace does not allow IP addresses: they are dropped.
    expect(page.context).not.toHaveProperty('ip');

    const preview = await app.inject({
      method: 'POST',
      url: '/api/v1/segments/preview',
      headers: { authorization: `Bearer ${ws.adminKey}` },
      payload: {
        target: 'person',
        rule: 'count(events "Home" where context.campaign.source = "Newsletter" within last 30 days) >= 1',
      },
    });
    expect(preview.json()).toMatchObject({ ok: true, count: 1, sample: [{ id: '507f191e81' }] });
  });
});

describe('alias', () => {
  it('makes the new userId canonical; the previous userId still finds the person', async () => {
    await post('/v1/identify', { userId: 'old-id', traits: { plan: 'pro' } });
    await post('/v1/alias', { previousId: 'old-id', userId: 'new-id' });
    expect((await person('new-id')).userId).toBe('new-id');
    expect((await person('old-id')).userId).toBe('new-id');
    expect((await person('new-id')).traits).toEqual({ plan: 'pro' });
  });

  it('looks a never-seen previousId up as a userId too', async () => {
    await post('/v1/alias', { previousId: 'crm-42', userId: 'app-42' });
    await post('/v1/track', { userId: 'crm-42', event: 'renewed' });
    await post('/v1/track', { anonymousId: 'crm-42', event: 'visited' });
    const aliased = await person('app-42');
    expect(aliased.userId).toBe('app-42');
    expect(eventNames(aliased)).toEqual(['renewed', 'visited']);
    expect((await person('crm-42')).userId).toBe('app-42');
  });

  it("links the alias message's own anonymousId to the person, taking in what that visitor did", async () => {
    await post('/v1/page', { anonymousId: 'device-7', name: 'Pricing' });
    await post('/v1/alias', { previousId: 'lead-7', userId: 'user-7', anonymousId: 'device-7' });
    await post('/v1/track', { anonymousId: 'device-7', event: 'clicked' });
    const merged = await person('user-7');
    expect(merged.anonymousIds).toContain('device-7');
    expect(eventNames(merged)).toEqual(['Pricing', 'clicked']);
  });
});

describe('context.ip', () => {
  it('is kept only when the workspace allows it', async () => {
    const track = (messageId: string) => ({ userId: 'ip-1', event: 'login', messageId, context: { ip: '203.0.113.9', locale: 'en-GB' } });
    await post('/v1/track', track('ip-dropped'));
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/settings/ingestion',
      headers: { authorization: `Bearer ${ws.adminKey}` },
      payload: { allowedOrigins: [], allowIp: true },
    });
    expect(put.json()).toEqual({ allowedOrigins: [], allowIp: true });
    await post('/v1/track', track('ip-kept'));
    const rows = await database.owner
      .selectFrom('events')
      .select(['message_id', 'context'])
      .where('message_id', 'in', ['ip-dropped', 'ip-kept'])
      .orderBy('message_id')
      .execute();
    expect(rows).toEqual([
      { message_id: 'ip-dropped', context: { locale: 'en-GB' } },
      { message_id: 'ip-kept', context: { ip: '203.0.113.9', locale: 'en-GB' } },
    ]);
  });
});
