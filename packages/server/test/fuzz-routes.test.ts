import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';
import {
  brokenOf,
  encodeToken,
  hostileUrlToken,
  resolver,
  toJsonText,
  valueOf,
  type FieldHints,
  type JsonSchema,
} from './openapi-arbitraries.js';

/**
 * Every ingestion and management operation of the served OpenAPI document, called with
 * requests generated from its own schemas and then broken (wrong types, boundary numbers,
 * NUL, lone surrogates, deep nesting, missing and extra fields, broken path encodings): no
 * answer is ever a 5xx, every 4xx is the error shape, and `received` counts exactly the
 * messages of the ingestion requests that authenticated.
 *
 * STRATA_FUZZ_RUNS sets the requests per operation; STRATA_FUZZ_SEED replays a run (CI uses a fixed
 * seed); STRATA_FUZZ_ALL=1 lists every distinct failure instead of shrinking the first of each operation.
 */
const runs = Number(process.env['STRATA_FUZZ_RUNS'] ?? 25);
const keepGoing = process.env['STRATA_FUZZ_ALL'] === '1';
const seed = process.env['STRATA_FUZZ_SEED']
  ? Number(process.env['STRATA_FUZZ_SEED'])
  : process.env['CI']
    ? 20261204
    : Date.now() % 2 ** 31;
console.log(`fuzz-routes: seed ${seed}, ${runs} requests per operation (replay with STRATA_FUZZ_SEED=${seed})`);

/** Segment's request limit: a bigger body is refused before it is read, and so is not counted (docs/api.md). */
const maxIngestionBytes = 500 * 1024;

type Auth = 'right' | 'none' | 'unknown' | 'wrong-scope';
interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  body: string | undefined;
  contentType: string;
  auth: Auth;
  lastEventId: string | undefined;
}
interface Operation {
  method: string;
  path: string;
  name: string;
  parameters: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>;
  body: JsonSchema | undefined;
}

let database: TestDatabase;
let app: FastifyInstance;
let ws: TestWorkspace;
let base: string;
let operations: Operation[];
let resolve: (schema: JsonSchema) => JsonSchema;
/** Messages of authenticated ingestion requests sent so far (shrinking included), and what the counters counted for them. */
let expectedReceived = 0;
let countedReceived = 0;
const known: Record<string, string[]> = {};

const adminHeaders = () => ({ authorization: `Bearer ${ws.adminKey}`, 'content-type': 'application/json' });

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
  ws = await createTestWorkspace(database);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  // Real ids, so generated requests reach the handlers behind the lookups too.
  const seeded = await fetch(`${base}/v1/batch`, {
    method: 'POST',
    headers: { authorization: basicAuth(ws.writeKey), 'content-type': 'application/json' },
    body: JSON.stringify({
      batch: [
        { type: 'identify', userId: 'fuzz-ada', traits: { plan: 'pro', email: 'ada@fuzz.example' } },
        { type: 'group', userId: 'fuzz-ada', groupId: 'fuzz-acme', traits: { plan: 'pro', mrr: 100 } },
        { type: 'track', userId: 'fuzz-ada', event: 'login', properties: { method: 'sso' } },
      ],
    }),
  });
  expect(seeded.status).toBe(200);
  const segment = await fetch(`${base}/api/v1/segments`, {
    method: 'POST',
    headers: adminHeaders(),
    body: JSON.stringify({ key: 'fuzz-seg', name: 'Fuzz', target: 'person', rule: 'plan = "pro"' }),
  });
  expect(segment.status).toBe(201);
  const ticket = await fetch(`${base}/api/v1/tickets`, {
    method: 'POST',
    headers: adminHeaders(),
    body: JSON.stringify({ externalId: 'fuzz-ticket', userId: 'fuzz-ada', subject: 'Help' }),
  });
  expect(ticket.status).toBe(201);
  known['userId'] = ['fuzz-ada'];
  known['groupId'] = ['fuzz-acme'];
  known['key'] = ['fuzz-seg', 'churned'];
  // `id` is a ticket in a path, a person or account in explain's query.
  known['id'] = ['fuzz-ticket', ((await ticket.json()) as { id: string }).id, 'fuzz-ada', 'fuzz-acme'];
  known['provider'] = ['stripe', 'freshdesk', 'zendesk'];

  const document = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<string, { parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>
    >;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  resolve = resolver(document.components?.schemas ?? {});
  operations = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v1/') || path.startsWith('/api/v1/'))
    .flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        name: `${method.toUpperCase()} ${path}`,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
    )
    // Deletions last, so the seeded segment and integrations are there for the operations that read them.
    .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}, 120_000);
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function stats() {
  const response = await fetch(`${base}/api/v1/ingestion/stats`, { headers: { authorization: `Bearer ${ws.readKey}` } });
  return (await response.json()) as { received: number; stored: number; rejected: number; deduplicated: number };
}

/** Realistic values by field name, so generated bodies also get past validation into the handlers. */
const hints: FieldHints = {
  rule: fc.constantFrom(
    'plan = "pro"',
    'count(events "login" within last 30 days) >= 1',
    'mrr >= 1000 and plan in ["pro", "enterprise"]',
    'email ends with "@fuzz.example"',
    'nick matches "a{256}"',
    'nick matches "\\p{L}"',
    'nick matches "^(a|a)*$"',
    'signed_up_at within last 99999999999999 days',
    'count(events "login" within last 1e400 days) >= 1',
    'in segment "fuzz-seg"',
  ),
  key: fc.constantFrom('fuzz-seg', 'fuzz-new', 'churned'),
  target: fc.constantFrom('person', 'account'),
  userId: fc.constantFrom('fuzz-ada', 'fuzz-new'),
  groupId: fc.constantFrom('fuzz-acme', 'fuzz-new-account'),
  timezone: fc.constantFrom('Europe/Berlin', 'UTC', 'Mars/Olympus', ''),
  start: fc.constantFrom('09:00', '00:00', '25:61'),
  end: fc.constantFrom('17:00', '23:59', '08:00'),
  workingDays: fc.constantFrom([1, 2, 3, 4, 5], [], [0, 8], [1, 1]),
  holidays: fc.constantFrom([], ['2026-12-25'], ['2026-02-30']),
  score: fc.integer({ min: -1, max: 11 }),
  kind: fc.constantFrom('nps', 'csat'),
  since: fc.constantFrom('0.0', '1.1', '99999999999999999999.5', '1.99999999999999999999'),
  traits: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  properties: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  context: fc.constantFrom({}, { groupId: 'fuzz-acme' }, { membership: { role: 'admin' } }),
  // Around now: the accepted window of event times is the server's to choose.
  timestamp: fc.integer({ min: -400 * 86_400_000, max: 86_400_000 }).map((ms) => new Date(Date.now() + ms).toISOString()),
  originalTimestamp: fc.integer({ min: -400 * 86_400_000, max: 86_400_000 }).map((ms) => new Date(Date.now() + ms).toISOString()),
  sentAt: fc.constant(new Date().toISOString()),
};

/** A real id for a path parameter, else one its schema allows. */
function validParameter(parameter: Operation['parameters'][number]): fc.Arbitrary<string> {
  const real = known[parameter.name];
  const fromSchema = (hints[parameter.name] ?? valueOf(parameter.schema ?? { type: 'string' }, resolve)).map((v) =>
    encodeToken(typeof v === 'string' ? v : JSON.stringify(v)),
  );
  return real ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real.map(encodeToken)) }, fromSchema) : fromSchema;
}

/** A parameter value that is wrong on purpose: a broken encoding, a boundary number, any code point. */
const brokenParameter = fc.oneof(hostileUrlToken, fc.string({ unit: 'binary', maxLength: 20 }).map(encodeToken));

type Part = 'nothing' | 'path' | 'query' | 'body' | 'auth';

/**
 * Requests to one operation: valid ones (real ids, values its schema allows) and ones with one
 * part broken (a path id, a query value, the body, the key), so both the validation and the
 * handlers behind it are exercised.
 */
function requestsFor(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const parts: Part[] = ['nothing', 'nothing', 'auth', ...(pathParameters.length ? (['path', 'path'] as const) : []), 'query'];
  if (operation.body) parts.push('body', 'body', 'body');
  return fc.constantFrom(...parts).chain((broken) => {
    const path = fc
      .tuple(...pathParameters.map((p) => (broken === 'path' ? fc.oneof(validParameter(p), brokenParameter) : validParameter(p))))
      .map((values) => pathParameters.reduce((p, parameter, i) => p.replace(`{${parameter.name}}`, values[i]!), operation.path));
    const query = fc
      .tuple(
        ...queryParameters.map((p) =>
          fc.option(
            (broken === 'query' ? fc.oneof(validParameter(p), brokenParameter) : validParameter(p)).map(
              (v) => `${encodeURIComponent(p.name)}=${v}`,
            ),
            { freq: 2, nil: undefined },
          ),
        ),
        broken === 'query'
          ? fc.option(
              brokenParameter.map((v) => `extra=${v}`),
              { nil: undefined },
            )
          : fc.constant(undefined),
      )
      .map((pairs) => pairs.filter((p) => p !== undefined).join('&'));
    const body = !operation.body
      ? fc.constant(undefined)
      : broken === 'body'
        ? fc.oneof(
            { weight: 12, arbitrary: brokenOf(operation.body, resolve, hints).map(toJsonText) },
            { weight: 1, arbitrary: fc.constantFrom('', 'not json', '{"batch":', '[]', '"text"', '{"a":1}{"b":2}', '\u0000') },
          )
        : valueOf(operation.body, resolve, 0, hints).map(toJsonText);
    return fc.record({
      path,
      query,
      body,
      contentType:
        broken === 'body'
          ? fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/json; charset=latin1')
          : fc.constant('application/json'),
      auth: broken === 'auth' ? fc.constantFrom<Auth>('none', 'unknown', 'wrong-scope') : fc.constant<Auth>('right'),
      lastEventId: fc.option(broken === 'query' ? brokenParameter : fc.constantFrom('1.1', '0.0'), { freq: 4, nil: undefined }),
      method: fc.constant(operation.method),
    });
  });
}

/** The request as one line: enough to replay it with curl. */
function describeRequest(r: FuzzRequest): string {
  const body = r.body === undefined ? '' : ` body(${r.body.length})=${r.body.length > 300 ? `${r.body.slice(0, 300)}…` : r.body}`;
  const url = `${r.path}${r.query ? `?${r.query}` : ''}`;
  return `${r.method} ${url.length > 300 ? `${url.slice(0, 300)}…` : url} auth=${r.auth} type=${r.contentType}${r.lastEventId === undefined ? '' : ` last-event-id=${r.lastEventId}`}${body}`;
}

function authorization(r: FuzzRequest, ingestion: boolean): string | undefined {
  const right = ingestion ? basicAuth(ws.writeKey) : `Bearer ${ws.adminKey}`;
  switch (r.auth) {
    case 'right':
      return right;
    case 'none':
      return undefined;
    case 'unknown':
      return ingestion ? basicAuth('sk_not_a_key_of_anyone_000000') : 'Bearer sk_not_a_key_of_anyone_000000';
    case 'wrong-scope':
      // A read key cannot ingest; an ingest key cannot administer.
      return ingestion ? basicAuth(ws.readKey) : `Bearer ${ws.writeKey}`;
  }
}

/** How many messages an ingestion request holds, as the counters count them (docs/api.md). */
function messagesIn(operation: Operation, body: string | undefined): number {
  if (Buffer.byteLength(body ?? '') > maxIngestionBytes) return 0;
  if (operation.path !== '/v1/batch' && operation.path !== '/v1/import') return 1;
  try {
    const parsed: unknown = JSON.parse(body ?? '');
    const batch =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { batch?: unknown }).batch : undefined;
    return Array.isArray(batch) ? batch.length : 1;
  } catch {
    return 1;
  }
}

async function send(operation: Operation, r: FuzzRequest): Promise<void> {
  const writeKeyed = operation.path.startsWith('/v1/');
  // In-app messages are read with the write key, but their requests carry no messages to count.
  const ingestion = writeKeyed && !operation.path.startsWith('/v1/in-app');
  const headers: Record<string, string> = {};
  const auth = authorization(r, writeKeyed);
  if (auth) headers['authorization'] = auth;
  if (r.body !== undefined) headers['content-type'] = r.contentType;
  if (r.lastEventId !== undefined) headers['last-event-id'] = r.lastEventId;
  const url = `${base}${r.path}${r.query ? `?${r.query}` : ''}`;
  const expected = ingestion && r.auth === 'right' ? messagesIn(operation, r.body) : 0;
  expectedReceived += expected;
  const before = (await stats()).received;
  let response: Response;
  try {
    response = await fetch(url, { method: r.method, headers, body: r.body ?? null, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new Error(`no answer (${(error as Error).message}) to ${describeRequest(r)}`);
  }
  const type = response.headers.get('content-type') ?? '';
  // A stream answers its headers and then stays open: its status is all there is to check.
  const text = type.startsWith('text/event-stream') ? (await response.body?.cancel(), '') : await response.text();
  if (response.status >= 500) throw new Error(`${response.status} ${text.slice(0, 200)} to ${describeRequest(r)}`);
  if (response.status >= 400) {
    expect(type, `${response.status} is not JSON: ${describeRequest(r)}`).toMatch(/^application\/json/);
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    expect(
      typeof error?.code === 'string' && typeof error.message === 'string',
      `${response.status} ${text.slice(0, 200)} is not the error shape`,
    ).toBe(true);
  }
  const counted = (await stats()).received - before;
  if (ingestion) {
    countedReceived += counted;
    expect(counted, `received counted ${counted} for ${expected} message(s) of ${describeRequest(r)} (answered ${response.status})`).toBe(
      expected,
    );
  } else if (response.status >= 400) {
    // Management writes may ingest (a ticket's new requester is an identify), but a refused request stores nothing.
    expect(counted, `refused with ${response.status} but counted ${counted} message(s): ${describeRequest(r)}`).toBe(0);
  }
}

describe('fuzzing every route from the OpenAPI document', () => {
  it('covers the ingestion and management operations of the document', () => {
    expect(operations.filter((o) => o.path.startsWith('/v1/')).length).toBeGreaterThanOrEqual(7);
    expect(operations.filter((o) => o.path.startsWith('/api/v1/')).length).toBeGreaterThanOrEqual(25);
  });

  // One test per operation, read from the document, so a new route is fuzzed without a line here.
  it('never answers 5xx, and every 4xx is {"error":{code,message,details}}', { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    for (const operation of operations) {
      const property = fc.asyncProperty(requestsFor(operation), async (r) => {
        if (!keepGoing) return send(operation, r);
        // Every distinct failure of the run, unshrunk, rather than the first one shrunk.
        await send(operation, r).catch((error: Error) => {
          const line = `${operation.name}: ${error.message.split('\n')[0]}`;
          if (!failures.some((f) => f.slice(0, 80) === line.slice(0, 80))) failures.push(line);
        });
      });
      const outcome = await fc.check(property, { numRuns: runs, seed, interruptAfterTimeLimit: 60_000 });
      if (outcome.failed) failures.push(`${operation.name}: ${(outcome.errorInstance as Error | undefined)?.message ?? 'interrupted'}`);
    }
    expect(failures, `seed ${seed}:\n${failures.join('\n')}`).toEqual([]);
  });

  it('counts as received every message of every ingestion request that authenticated, and received = stored + rejected + deduplicated', async () => {
    const after = await stats();
    expect(expectedReceived).toBeGreaterThan(0);
    expect(countedReceived).toBe(expectedReceived);
    expect(after.received).toBe(after.stored + after.rejected + after.deduplicated);
  });
});
