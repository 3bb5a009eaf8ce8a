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

const call = async (path: string, body: unknown, key = ws.readKey) =>
  app.inject({ method: 'POST', url: `/api/v1/segments/${path}`, headers: { authorization: `Bearer ${key}` }, payload: body as object });

describe('POST /api/v1/segments/validate', () => {
  it('accepts a contract sentence on a workspace with no data yet, with its IR and canonical text', async () => {
    const response = await call('validate', { target: 'account', rule: 'plan in ["pro","enterprise"]   and mrr>=1000' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.ok).toBe(true);
    expect(body.text).toBe('plan in ["pro", "enterprise"] and mrr >= 1000');
    expect(body.ir).toMatchObject({ version: 1, target: 'account', condition: { kind: 'and' } });
    const again = (await call('validate', { target: 'account', rule: body.text })).json();
    expect(again.ir).toEqual(body.ir);
  });

  it('answers ok:false with every diagnostic, its stable code and span', async () => {
    const body = (
      await call('validate', { target: 'person', rule: 'plna = "pro" and count(events "login" within last 30 dayz) >= 5' })
    ).json();
    expect(body).toEqual({
      ok: false,
      diagnostics: [
        { code: 'unknown-field', message: 'unknown field "plna" - did you mean "plan"?', span: { start: 0, end: 4 } },
        {
          code: 'syntax-error',
          message: 'expected a time unit (minutes, hours, days, weeks, months) after 30',
          span: { start: 53, end: 57 },
        },
      ],
    });
    const typo = (await call('validate', { target: 'person', rule: 'plna = "pro"' })).json();
    expect(typo.diagnostics).toEqual([
      { code: 'unknown-field', message: 'unknown field "plna" - did you mean "plan"?', span: { start: 0, end: 4 } },
    ]);
  });

  it('knows the fields seen in the workspace data, with their types', async () => {
    await app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { authorization: basicAuth(ws.writeKey), 'content-type': 'application/json' },
      payload: { userId: 'u1', traits: { nps_band: 'promoter', seats_used: 4 } },
    });
    expect((await call('validate', { target: 'person', rule: 'seats_used > 3 and nps_band = "promoter"' })).json().ok).toBe(true);
    expect((await call('validate', { target: 'person', rule: 'seats_used = "four"' })).json().diagnostics[0].code).toBe('type-mismatch');
  });

  it('refuses a missing target or rule as a request error, and a write key', async () => {
    const response = await call('validate', { rule: 'plan = "pro"' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/target/);
    expect((await call('validate', { target: 'person', rule: 'plan = "pro"' }, ws.writeKey)).statusCode).toBe(403);
  });
});

describe('POST /api/v1/segments/preview', () => {
  it('counts the members a rule has now and shows a sample', async () => {
    const batch = [
      { type: 'identify', userId: 'p1', traits: { plan: 'pro' } },
      { type: 'identify', userId: 'p2', traits: { plan: 'pro' } },
      { type: 'identify', userId: 'p3', traits: { plan: 'free' } },
      { type: 'track', userId: 'p1', event: 'login' },
      { type: 'track', userId: 'p1', event: 'login' },
      { type: 'track', userId: 'p3', event: 'login' },
    ];
    await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(ws.writeKey), 'content-type': 'application/json' },
      payload: { batch },
    });
    const pro = (await call('preview', { target: 'person', rule: 'plan = "pro"' })).json();
    expect(pro).toMatchObject({ ok: true, count: 2, sample: [{ id: 'p1' }, { id: 'p2' }] });
    const active = (
      await call('preview', { target: 'person', rule: 'count(events "login" within last 1 days) >= 2 or plan = "free"' })
    ).json();
    expect(active.sample.map((m: { id: string }) => m.id).sort()).toEqual(['p1', 'p3']);
    expect((await call('preview', { target: 'person', rule: 'plan = ' })).json().ok).toBe(false);
  });
});
