import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
const nowMs = Date.UTC(2026, 2, 9, 9);
const now = () => new Date(nowMs);
let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  const at = now().toISOString();
  const seeded = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: {
      batch: [
        { type: 'identify', userId: 'ada', traits: { email: 'Ada.Lovelace@acme.example', name: 'Ada Lovelace' }, timestamp: at },
        { type: 'group', userId: 'ada', groupId: 'acme', traits: { name: 'Acme Corp', domain: 'acme.example' }, timestamp: at },
        { type: 'identify', userId: 'bob', traits: { email: 'bob@globex.example', name: 'Bob_Smith' }, timestamp: at },
        { type: 'group', userId: 'bob', groupId: 'globex', traits: { name: 'Globex', domain: 'globex.example' }, timestamp: at },
      ],
    },
  });
  expect(seeded.statusCode, seeded.body).toBe(200);
  for (let i = 0; i < 3; i++) {
    const created = await call('POST', '/api/v1/tickets', {
      externalId: `T-${i}`,
      userId: 'ada',
      subject: `Ticket ${i}`,
      description: 'This is awful, the billing page crashes every time!',
      createdAt: new Date(nowMs - (3 - i) * 3_600_000).toISOString(),
    });
    expect(created.statusCode, created.body).toBeLessThan(300);
  }
  const survey = await call('POST', '/api/v1/surveys/responses', { userId: 'ada', kind: 'nps', score: 9, comment: 'Great' });
  expect(survey.statusCode, survey.body).toBeLessThan(300);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function call(method: 'GET' | 'POST', url: string, payload?: object, key = ws.adminKey) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
}
async function search(q: string) {
  const response = await call('GET', `/api/v1/customers/search?q=${encodeURIComponent(q)}`, undefined, ws.readKey);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Array<{ kind: string; id: string }> }>().items.map((i) => `${i.kind}:${i.id}`);
}

describe('customer search', () => {
  it('finds people by id, email or name and accounts by id, name or domain, by prefix and case-insensitively', async () => {
    expect(await search('ad')).toEqual(['person:ada']);
    expect(await search('ADA.love')).toEqual(['person:ada']);
    expect(await search('ada lo')).toEqual(['person:ada']);
    expect(await search('acme')).toEqual(['account:acme']);
    expect(await search('Acme C')).toEqual(['account:acme']);
    expect(await search('globex.ex')).toEqual(['account:globex']);
    expect(await search('bob@')).toEqual(['person:bob']);
  });
  it('takes % and _ in q literally, not as wildcards', async () => {
    expect(await search('%')).toEqual([]);
    expect(await search('b_b')).toEqual([]);
    expect(await search('Bob_')).toEqual(['person:bob']);
  });
  it('refuses an empty q, naming it', async () => {
    const response = await call('GET', '/api/v1/customers/search?q=%20');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('q');
  });
});

describe("a customer's tickets and surveys", () => {
  it('pages tickets newest first with sentiment and language', async () => {
    const first = await call('GET', '/api/v1/people/ada/tickets?limit=2', undefined, ws.readKey);
    expect(first.statusCode, first.body).toBe(200);
    const page = first.json<{
      items: Array<{ subject: string; sentiment: { label: string } | null; language: string | null }>;
      nextCursor: string;
    }>();
    expect(page.items.map((t) => t.subject)).toEqual(['Ticket 2', 'Ticket 1']);
    expect(page.items[0]!.sentiment?.label).toBe('negative');
    expect(page.items[0]!.language).toBe('en');
    const second = await call('GET', `/api/v1/people/ada/tickets?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`);
    expect(second.json<{ items: Array<{ subject: string }>; nextCursor: null }>()).toMatchObject({
      items: [{ subject: 'Ticket 0' }],
      nextCursor: null,
    });
    const account = await call('GET', '/api/v1/accounts/acme/tickets');
    expect(account.json<{ items: unknown[] }>().items).toHaveLength(3);
    expect((await call('GET', '/api/v1/accounts/globex/tickets')).json<{ items: unknown[] }>().items).toHaveLength(0);
  });
  it('pages events newest first, keeping events of the same instant on one page or the next, never both', async () => {
    const at = new Date(nowMs - 60_000).toISOString();
    const batch = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ type: 'track', userId: 'bob', event: `step_${n}`, timestamp: at }));
    const sent = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: { batch },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const response = await call('GET', `/api/v1/people/bob/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, ws.readKey);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ items: Array<{ name: string; userId: string }>; nextCursor: string | null }>();
      seen.push(...body.items.map((e) => e.name));
      cursor = body.nextCursor;
    }
    expect(seen.sort()).toEqual(['step_a', 'step_b', 'step_c', 'step_d', 'step_e']);
    const account = await call('GET', '/api/v1/accounts/globex/events');
    expect(account.json<{ items: unknown[] }>().items).toEqual([]);
    const refused = await call('GET', '/api/v1/people/bob/events?cursor=1.00000000-0000-0000-0000-000000000000');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('cursor');
  });
  it('lists survey answers', async () => {
    const response = await call('GET', '/api/v1/people/ada/surveys', undefined, ws.readKey);
    expect(response.json<{ items: Array<{ kind: string; score: number; comment: string }> }>().items).toMatchObject([
      { kind: 'nps', score: 9, comment: 'Great' },
    ]);
  });
  it('answers 404 for an unknown person', async () => {
    expect((await call('GET', '/api/v1/people/nobody/tickets')).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/accounts/nothing/surveys')).statusCode).toBe(404);
  });
});
