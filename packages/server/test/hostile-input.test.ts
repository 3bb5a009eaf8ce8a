import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRows } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';
import { connectIntegrations } from '../../../test-support/webhooks.js';
import { workspaceScope } from '@strata/storage';

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

/** Posts raw JSON text, so tests can send what JavaScript object literals cannot (an own `__proto__`). */
const post = (path: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', authorization: basicAuth(ws.writeKey) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
const admin = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: string) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ws.adminKey}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload }),
  });
type Stats = { received: number; stored: number; rejected: number; deduplicated: number };
const stats = async () => (await admin('GET', '/api/v1/ingestion/stats')).json<Stats>();
type Detail = { index: number | null; field: string; code: string; message: string };
const details = (response: { json: () => unknown }) => (response.json() as { error: { details: Detail[] } }).error.details;
const personExists = async (userId: string) => (await admin('GET', `/api/v1/people/${encodeURIComponent(userId)}`)).statusCode === 200;
const partitionCount = async () =>
  Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'events'::regclass`.execute(database.db)).rows[0]!.n,
  );
/** Entries in a stable order: jsonb keeps keys in its own order, not the sender's. */
const entries = (value: unknown) => Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));

const nul = '\u0000';
const lone = '\ud800';

describe('NUL and unpaired surrogates in ingested messages', () => {
  const cases: Array<[string, (bad: string) => Record<string, unknown>, string]> = [
    ['a trait value', (bad) => ({ type: 'identify', userId: 'v', traits: { plan: `pro${bad}` } }), 'traits.plan'],
    ['a trait key', (bad) => ({ type: 'identify', userId: 'k', traits: { [`pl${bad}an`]: 'pro' } }), 'traits.pl\\u'],
    ['a property key', (bad) => ({ type: 'track', userId: 'p', event: 'e', properties: { [`x${bad}`]: 1 } }), 'properties.x\\u'],
    [
      'a nested property value',
      (bad) => ({ type: 'track', userId: 'p', event: 'e', properties: { list: ['ok', bad] } }),
      'properties.list.1',
    ],
    ['an event name', (bad) => ({ type: 'track', userId: 'e', event: `log${bad}in` }), 'event'],
    ['a userId', (bad) => ({ type: 'identify', userId: `u${bad}` }), 'userId'],
    ['a groupId', (bad) => ({ type: 'group', userId: 'g', groupId: `acme${bad}` }), 'groupId'],
    ['the context', (bad) => ({ type: 'track', userId: 'c', event: 'e', context: { page: { title: bad } } }), 'context.page.title'],
  ];
  for (const [where, message, field] of cases)
    for (const [name, bad] of [
      ['NUL', nul],
      ['an unpaired surrogate', lone],
    ] as const)
      it(`refuses ${name} in ${where} with 400 naming the index and field, counted as rejected`, async () => {
        const before = await stats();
        const goodId = `good-${field}-${name}`;
        const response = await post('/v1/batch', { batch: [{ type: 'identify', userId: goodId }, message(bad)] });
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe('INVALID_INPUT');
        const [detail] = details(response);
        expect(detail).toMatchObject({ index: 1, code: 'invalid-character' });
        expect(detail!.field.startsWith(field)).toBe(true);
        expect(await personExists(goodId)).toBe(false);
        const after = await stats();
        expect(after.rejected - before.rejected).toBe(2);
        expect(after.stored).toBe(before.stored);
        expect(after.received).toBe(after.stored + after.rejected + after.deduplicated);
      });

  it('refuses them on the single-message endpoints too, and keeps paired surrogates (emoji)', async () => {
    const bad = await post('/v1/identify', { userId: 'single', traits: { name: `Ada${nul}` } });
    expect(bad.statusCode).toBe(400);
    expect(details(bad)[0]).toMatchObject({ index: 0, field: 'traits.name', code: 'invalid-character' });
    expect((await post('/v1/identify', { userId: 'emoji', traits: { name: 'Ada 🚀' } })).statusCode).toBe(200);
    expect((await admin('GET', '/api/v1/people/emoji')).json().traits).toEqual({ name: 'Ada 🚀' });
  });
});

describe('deep nesting', () => {
  it('refuses properties nested 5,000 deep and arrays 200,000 deep with 400, counted as rejected', async () => {
    const before = await stats();
    const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const objects = await post('/v1/batch', `{"batch":[{"type":"track","userId":"deep","event":"e","properties":${deepObject}}]}`);
    expect(objects.statusCode).toBe(400);
    expect(details(objects)[0]).toMatchObject({ index: 0, field: 'properties', code: 'too-deep' });
    expect(details(objects)[0]!.message).toMatch(/64 levels/);

    const deepArray = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const arrays = await post('/v1/track', `{"userId":"deep","event":"e","properties":{"list":${deepArray}}}`);
    expect(arrays.statusCode).toBe(400);
    expect(details(arrays)[0]).toMatchObject({ index: 0, field: 'properties', code: 'too-deep' });
    const after = await stats();
    expect(after.rejected - before.rejected).toBe(2);
    expect(await personExists('deep')).toBe(false);
  });

  it('accepts nesting up to the limit', async () => {
    // The message is level 1, so properties and what it holds may take 63 levels.
    const nested = `${'{"a":'.repeat(63)}1${'}'.repeat(63)}`;
    expect((await post('/v1/track', `{"userId":"nested","event":"e","properties":${nested}}`)).statusCode).toBe(200);
    const tooDeep = `${'{"a":'.repeat(64)}1${'}'.repeat(64)}`;
    expect((await post('/v1/track', `{"userId":"nested","event":"e","properties":${tooDeep}}`)).statusCode).toBe(400);
  });

  it('refuses a management body nested too deep with 400 naming the field', async () => {
    const deepIr = `${'{"and":['.repeat(3000)}{}${']}'.repeat(3000)}`;
    const response = await admin('POST', '/api/v1/segments', `{"key":"deep","name":"Deep","target":"person","rule":${deepIr}}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'INVALID_INPUT', details: [{ field: 'rule', code: 'too-deep' }] });
    expect((await admin('GET', '/api/v1/segments/deep')).statusCode).toBe(404);
  });
});

describe('NUL and unpaired surrogates outside ingestion', () => {
  it('answers 400 or 404, never 5xx, for every route with a path id', async () => {
    // printRoutes nests children under their parent's path; rebuild the full paths from the indentation.
    const lines = app.printRoutes({ commonPrefix: false }).split('\n');
    const stack: Array<{ indent: number; path: string }> = [];
    const withParams: Array<{ path: string; methods: string[] }> = [];
    for (const line of lines) {
      const match = /^([│ ├└─]*)(\S+) \(([A-Z, ]+)\)/.exec(line);
      if (!match) continue;
      const indent = match[1]!.length;
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      const path = (stack[stack.length - 1]?.path ?? '') + match[2]!;
      stack.push({ indent, path });
      if (path.includes(':')) withParams.push({ path, methods: match[3]!.split(', ').filter((m) => m !== 'HEAD' && m !== 'OPTIONS') });
    }
    expect(withParams.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/people/:userId',
        '/api/v1/tickets/:id',
        '/api/v1/segments/:key/explain',
        '/webhooks/:provider/:token',
      ]),
    );
    const seen: string[] = [];
    for (const { path, methods } of withParams)
      for (const method of methods)
        for (const bad of ['%00', '%ED%A0%80']) {
          const url = path.replace(/:[A-Za-z]+/g, `x${bad}`);
          const response = await admin(method as 'GET', url, method === 'GET' || method === 'DELETE' ? undefined : '{}');
          seen.push(`${method} ${url} ${response.statusCode}`);
          expect([400, 404], `${method} ${url}: ${response.body}`).toContain(response.statusCode);
          expect(response.json().error.code, `${method} ${url}`).toMatch(/^(INVALID_INPUT|NOT_FOUND)$/);
        }
    expect(seen.length).toBeGreaterThan(20);
  });

  it('names the parameter of a path id and of a query string', async () => {
    const person = await admin('GET', '/api/v1/people/x%00');
    expect(person.statusCode).toBe(400);
    expect(person.json().error.details).toEqual([expect.objectContaining({ field: 'params.userId', code: 'invalid-character' })]);
    const explain = await admin('GET', '/api/v1/segments/anything/explain?id=x%00');
    expect(explain.statusCode).toBe(400);
    expect(explain.json().error.details).toEqual([expect.objectContaining({ field: 'query.id', code: 'invalid-character' })]);
  });

  it('refuses them in management JSON bodies, naming the field, and stores nothing', async () => {
    const ticket = await admin('POST', '/api/v1/tickets', JSON.stringify({ userId: 'requester', subject: `Help${nul}` }));
    expect(ticket.statusCode).toBe(400);
    expect(ticket.json().error.details).toEqual([expect.objectContaining({ field: 'subject', code: 'invalid-character' })]);
    const preview = await admin('POST', '/api/v1/segments/preview', JSON.stringify({ target: 'person', rule: `plan = "a${lone}"` }));
    expect(preview.statusCode).toBe(400);
    expect(preview.json().error.details).toEqual([expect.objectContaining({ field: 'rule', code: 'invalid-character' })]);
    expect(await personExists('requester')).toBe(false);
  });

  it('refuses them in a Freshdesk webhook ticket_id with 400 naming the field', async () => {
    const paths = await connectIntegrations(app, ws.adminKey, 'whsec_hostile_input_test_secret');
    const response = await app.inject({
      method: 'POST',
      url: paths.get('freshdesk')!,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ freshdesk_webhook: { ticket_id: `12${nul}`, ticket_subject: 'Hi', requester_email: 'fd@acme.com' } }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ field: 'freshdesk_webhook.ticket_id' })]);
  });
});

describe('bounded event times', () => {
  const day = 86_400_000;

  it('refuses events older than the window with 400 pointing at strata import, counted as rejected', async () => {
    const before = await stats();
    const partitions = await partitionCount();
    const response = await post('/v1/batch', {
      batch: [
        { type: 'track', userId: 'old', event: 'e', timestamp: new Date().toISOString() },
        { type: 'track', userId: 'old', event: 'e', timestamp: '2001-03-01T00:00:00Z' },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(details(response)).toEqual([expect.objectContaining({ index: 1, field: 'timestamp', code: 'out-of-range' })]);
    expect(response.json().error.message).toMatch(/strata import/);
    expect(await personExists('old')).toBe(false);
    expect((await stats()).rejected - before.rejected).toBe(2);
    expect(await partitionCount()).toBe(partitions);
  });

  it('refuses events too far in the future', async () => {
    const response = await post('/v1/track', { userId: 'future', event: 'e', timestamp: new Date(Date.now() + 30 * day).toISOString() });
    expect(response.statusCode).toBe(400);
    expect(details(response)[0]).toMatchObject({ index: 0, field: 'timestamp', code: 'out-of-range' });
  });

  it('checks the time after clock-skew correction: a sentAt 129 years after the timestamp does not store an event in 1896', async () => {
    const partitions = await partitionCount();
    const response = await post('/v1/track', {
      userId: 'skewed',
      event: 'e',
      timestamp: '1970-01-02T00:00:00Z',
      sentAt: '2099-01-01T00:00:00Z',
    });
    expect(response.statusCode).toBe(400);
    expect(details(response)[0]).toMatchObject({ index: 0, code: 'out-of-range' });
    expect(await partitionCount()).toBe(partitions);
    expect(await personExists('skewed')).toBe(false);
  });

  it('still corrects a client clock that is years off when sentAt comes with it', async () => {
    const response = await post('/v1/batch', {
      batch: [{ type: 'track', userId: 'reset-clock', event: 'e', messageId: 'reset-1', timestamp: '1990-01-01T00:00:00Z' }],
      sentAt: '1990-01-01T00:00:05Z',
    });
    expect(response.statusCode).toBe(200);
    const row = await database.owner.selectFrom('events').select('timestamp').where('message_id', '=', 'reset-1').executeTakeFirstOrThrow();
    expect(Math.abs(row.timestamp.getTime() - (Date.now() - 5_000))).toBeLessThan(60_000);
  });

  it('refuses a request that would create more than 24 event partitions, and creates none', async () => {
    const partitions = await partitionCount();
    const monthly = (count: number, year: number, prefix: string) =>
      Array.from({ length: count }, (_, i) => ({
        type: 'track',
        userId: prefix,
        event: 'e',
        timestamp: new Date(Date.UTC(year, i, 15)).toISOString(),
      }));
    const tooMany = await post('/v1/batch', { batch: monthly(30, 2018, 'spread') });
    expect(tooMany.statusCode).toBe(400);
    expect(details(tooMany)).toEqual([expect.objectContaining({ index: null, field: 'timestamp', code: 'too-many-partitions' })]);
    expect(tooMany.json().error.message).toMatch(/24/);
    expect(await partitionCount()).toBe(partitions);
    expect(await personExists('spread')).toBe(false);

    expect((await post('/v1/batch', { batch: monthly(20, 2018, 'spread-ok') })).statusCode).toBe(200);
    expect(await partitionCount()).toBe(partitions + 20);
  });

  it('leaves history to the importer, which still stores old dates across many months', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      line: i + 2,
      columns: ['user_id', 'at', 'plan'],
      values: { user_id: 'historic', at: new Date(Date.UTC(2010, i, 3)).toISOString(), plan: 'pro' },
    }));
    const report = await importRows(
      workspaceScope(database.db, ws.workspace.id, () => new Date()),
      rows,
      {
        mapping: { kind: 'events', userIdColumn: 'user_id', timestampColumn: 'at', eventName: 'order' },
        source: 'history.csv',
      },
    );
    expect(report).toMatchObject({ stored: 30, bad: [] });
    const events = await database.owner
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', ws.workspace.id)
      .where('name', '=', 'order')
      .where('timestamp', '<', new Date('2013-01-01'))
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(30);
  });
});

describe('traits named like Object.prototype members', () => {
  const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__proto__'];
  const traitsJson = (value: string) => `{${names.map((n, i) => `"${n}":"${value}-${i}"`).join(',')}}`;

  it('stores them on people, accounts, memberships and event properties like any other name', async () => {
    const sent = JSON.parse(traitsJson('v1')) as Record<string, unknown>;
    expect(Object.keys(sent)).toEqual(names);
    expect((await post('/v1/identify', `{"userId":"proto","traits":${traitsJson('v1')}}`)).statusCode).toBe(200);
    // A later write must replace each one (latest write wins reads the stored time of each name).
    expect(
      (
        await post(
          '/v1/identify',
          `{"userId":"proto","traits":${traitsJson('v2')},"timestamp":"${new Date(Date.now() + 1000).toISOString()}"}`,
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await post(
          '/v1/group',
          `{"userId":"proto","groupId":"proto-co","traits":${traitsJson('acct')},"context":{"membership":${traitsJson('member')}}}`,
        )
      ).statusCode,
    ).toBe(200);
    expect((await post('/v1/track', `{"userId":"proto","event":"e","properties":${traitsJson('prop')}}`)).statusCode).toBe(200);

    const person = (await admin('GET', '/api/v1/people/proto')).json();
    expect(entries(person.traits)).toEqual(entries(JSON.parse(traitsJson('v2'))));
    expect(entries(person.accounts[0].traits)).toEqual(entries(JSON.parse(traitsJson('acct'))));
    expect(entries(person.accounts[0].membership)).toEqual(entries(JSON.parse(traitsJson('member'))));
    expect(entries(person.events[0].properties)).toEqual(entries(JSON.parse(traitsJson('prop'))));
    const account = (await admin('GET', '/api/v1/accounts/proto-co')).json();
    expect(entries(account.traits)).toEqual(entries(JSON.parse(traitsJson('acct'))));
  });
});
