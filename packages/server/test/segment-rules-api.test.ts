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

describe('rules a hostile user writes answer diagnostics, never a 500', () => {
  const admin = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
  /** Validate answers the diagnostic; creating a segment with it is a 400 that stores nothing. */
  async function expectRefused(rule: string, code: string, message: RegExp, key: string) {
    const validated = await call('validate', { target: 'person', rule });
    expect(validated.statusCode, rule).toBe(200);
    const diagnostics = validated.json().diagnostics as Array<{ code: string; message: string; span: { start: number; end: number } }>;
    expect(
      diagnostics.map((d) => d.code),
      rule,
    ).toContain(code);
    const found = diagnostics.find((d) => d.code === code)!;
    expect(found.message, rule).toMatch(message);
    expect(found.span.end, rule).toBeGreaterThan(found.span.start);
    expect(found.span.end, rule).toBeLessThanOrEqual(rule.length);
    const created = await admin('POST', '/api/v1/segments', { key, name: key, target: 'person', rule });
    expect(created.statusCode, rule).toBe(400);
    expect(
      created.json().error.details.map((d: { code: string }) => d.code),
      rule,
    ).toContain(code);
    expect((await admin('GET', `/api/v1/segments/${key}`)).statusCode, rule).toBe(404);
  }

  it('refuses patterns PostgreSQL would refuse: a{256}, \\p{L}, \\k', async () => {
    await expectRefused('email matches "a{256}"', 'invalid-pattern', /up to 255/, 'pattern-bound');
    await expectRefused('email matches "\\\\p{L}"', 'invalid-pattern', /"\\p" is not supported/, 'pattern-unicode');
    await expectRefused('email matches "\\\\k"', 'invalid-pattern', /"\\k" is not supported/, 'pattern-k');
    // The span points at the offending part inside the string, or at the whole string when it has escapes.
    const body = (await call('validate', { target: 'person', rule: 'email matches "a{256}"' })).json();
    expect(body.diagnostics[0].span).toEqual({ start: 16, end: 21 });
    const escaped = (await call('validate', { target: 'person', rule: 'email matches "x\\\\p{L}"' })).json();
    expect(escaped.diagnostics[0].span).toEqual({ start: 14, end: 23 });
  });

  it('refuses windows and numbers out of range', async () => {
    await expectRefused('last_seen_at within last 99999999999999 days', 'out-of-range', /at most 1000 years/, 'window-huge');
    await expectRefused('count(events "login" within last 99999999999999 days) >= 1', 'out-of-range', /at most 1000 years/, 'count-huge');
    await expectRefused('last_seen_at between 1 and 20000 months ago', 'out-of-range', /12000 months/, 'ago-huge');
    await expectRefused('last_seen_at more than 600000000 minutes ago', 'out-of-range', /525600000 minutes/, 'minutes-huge');
    await expectRefused('email = "x" or count(events) > 123456789012345678901234567890', 'out-of-range', /out of range/, 'number-huge');
    expect((await call('validate', { target: 'person', rule: 'last_seen_at within last 365000 days' })).json().ok).toBe(true);
  });

  it('refuses a NUL or a lone surrogate in a rule value with 400 naming the rule, in validate, preview and create', async () => {
    for (const rule of ['email = "a\u0000b"', 'did "log\ud800in"']) {
      for (const response of [
        await call('validate', { target: 'person', rule }),
        await call('preview', { target: 'person', rule }),
        await admin('POST', '/api/v1/segments', { key: 'nul-value', name: 'Nul', target: 'person', rule }),
      ]) {
        expect(response.statusCode, rule).toBe(400);
        expect(response.json().error.details[0]).toMatchObject({ field: 'rule' });
      }
    }
    expect((await admin('GET', '/api/v1/segments/nul-value')).statusCode).toBe(404);
  });

  it('answers unknown-field, not a type complaint, for an event property nobody has sent', async () => {
    for (const rule of [
      'did "never_sent" where foo within last 3 days',
      'count(events where foo before "2026-01-01") >= 1',
      'sum(events "never_sent".amount) > 3',
      'max(events.amount) > 3',
      'last(events "never_sent".foo) within last 3 days',
    ]) {
      const body = (await call('validate', { target: 'person', rule })).json();
      expect(
        body.diagnostics.map((d: { code: string }) => d.code),
        rule,
      ).toEqual(['unknown-field']);
    }
    // A literal still types a property of an event not seen yet, so rules can be written first.
    expect((await call('validate', { target: 'person', rule: 'did "never_sent" where foo > 3' })).json().ok).toBe(true);
  });

  it('holds a rule sent as IR to the text size limit, on create and on edit', async () => {
    const term = {
      kind: 'predicate',
      subject: { kind: 'field', scope: 'person', name: 'email', type: 'string' },
      operator: 'eq',
      operands: ['x'],
    };
    const huge = { version: 1, target: 'person', condition: { kind: 'or', conditions: Array.from({ length: 3_000 }, () => term) } };
    const created = await admin('POST', '/api/v1/segments', { key: 'huge-ir', name: 'Huge', target: 'person', rule: huge });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.details[0]).toMatchObject({ field: 'rule', code: 'rule-too-large' });
    expect(created.json().error.message).toMatch(/rule is too large/);
    expect((await admin('GET', '/api/v1/segments/huge-ir')).statusCode).toBe(404);
    const small = { version: 1, target: 'person', condition: term };
    expect((await admin('POST', '/api/v1/segments', { key: 'small-ir', name: 'Small', target: 'person', rule: small })).statusCode).toBe(
      201,
    );
    const edited = await admin('PUT', '/api/v1/segments/small-ir', { rule: huge });
    expect(edited.statusCode).toBe(400);
    expect(edited.json().error.details[0]).toMatchObject({ code: 'rule-too-large' });
    expect((await admin('GET', '/api/v1/segments/small-ir')).json().rule).toBe('email = "x"');
  });
});
