import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database);
  const sent = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId: 'ada', traits: { plan: 'pro' } },
  });
  expect(sent.statusCode, sent.body).toBe(200);
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/segments',
    headers: admin(),
    payload: { key: 'pro', name: 'Pro', target: 'person', rule: 'plan = "pro"' },
  });
  expect(created.statusCode, created.body).toBe(201);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

function admin() {
  return { authorization: `Bearer ${ws.adminKey}` };
}
const base64url = (text: string) => Buffer.from(text).toString('base64url');

async function expectRefused(url: string, field: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ url, headers: { ...admin(), ...headers } });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
  const { error } = response.json<{ error: { code: string; message: string } }>();
  expect(error.code).toBe('INVALID_INPUT');
  expect(error.message).toContain(field);
}

describe('segment member, changes and stream parameters', () => {
  it('refuses a members cursor that decodes to something this API never returned', async () => {
    for (const cursor of [base64url('-'.repeat(36)), base64url('ffffffff-ffff-ffff-ffff-ffffffffffffff'), '!!!!', base64url('\u0000')])
      await expectRefused(`/api/v1/segments/pro/members?cursor=${encodeURIComponent(cursor)}`, 'cursor');
  });

  it('refuses asOf outside the times PostgreSQL can compare and limit outside 1..1000', async () => {
    for (const asOf of ['-100000-01-01T00:00:00Z', '+200000-01-01T00:00:00Z', 'yesterday', '1e400'])
      await expectRefused(`/api/v1/segments/pro/members?asOf=${encodeURIComponent(asOf)}`, 'asOf');
    for (const limit of ['0', '1001', '1.5', '1e400', 'Infinity', '-1'])
      await expectRefused(`/api/v1/segments/pro/members?limit=${limit}`, 'limit');
    for (const limit of ['0', '1001', '2.5']) await expectRefused(`/api/v1/segments/pro/changes?limit=${limit}`, 'limit');
  });

  it('refuses a changes cursor with numbers beyond what a cursor can hold', async () => {
    for (const since of [
      '99999999999999999999999.1',
      '1.99999999999999999999',
      '18446744073709551616.1',
      '1.9223372036854775808',
      '1.5.5',
      '.5',
    ])
      await expectRefused(`/api/v1/segments/pro/changes?since=${since}`, 'since');
  });

  it('refuses a stream resumed from a garbage Last-Event-ID or since, before the stream starts', async () => {
    await expectRefused('/api/v1/segments/pro/stream', 'Last-Event-ID', { 'last-event-id': 'garbage' });
    await expectRefused('/api/v1/segments/pro/stream', 'Last-Event-ID', { 'last-event-id': '99999999999999999999999.1' });
    await expectRefused('/api/v1/segments/pro/stream?since=1.99999999999999999999', 'since');
  });

  it('still pages members with the cursors it returns', async () => {
    const first = await app.inject({ url: '/api/v1/segments/pro/members?limit=1', headers: admin() });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ items: [{ id: 'ada' }], nextCursor: null });
    const changes = await app.inject({ url: '/api/v1/segments/pro/changes?since=1.0', headers: admin() });
    expect(changes.statusCode, changes.body).toBe(200);
    const asOf = await app.inject({ url: '/api/v1/segments/pro/members?asOf=2020-01-01T00:00:00Z', headers: admin() });
    expect(asOf.json()).toEqual({ items: [], nextCursor: null });
  });
});
