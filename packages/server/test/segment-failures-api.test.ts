import pg from 'pg';
import { pino } from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker, SegmentEngine } from '@strata/engine';
import { buildApp } from '@strata/server';
import { ensureEventPartitions, workRetryPolicy } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let nowMs = Date.UTC(2026, 2, 10, 12);
const now = () => new Date(nowMs);
let app: Awaited<ReturnType<typeof buildApp>>['app'];
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-02', '2026-03', '2026-04']);
  ws = await createTestWorkspace(database);
  const strata = await buildApp({ logger: pino({ level: 'silent' }), now });
  // An engine that is not started: its statement timeout is what requests' backfills run under.
  strata.setServices({ db: database.db, engine: new SegmentEngine({ db: database.db, now, workers: 0, statementTimeoutMs: 300 }) });
  app = strata.app;
  await app.ready();
  worker = new LiveSegmentWorker({ db: database.db, now });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function send(messages: Array<Record<string, unknown>>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: messages.map((m) => ({ timestamp: now().toISOString(), ...m })) },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function segment(key: string) {
  const response = await app.inject({ url: `/api/v1/segments/${key}`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    status: string;
    freshness: { backlog: number; failing: { retrying: number; parked: number; lastError: string | null; lastErrorAt: string | null } };
  }>();
}

async function live() {
  const response = await app.inject({ url: '/api/v1/system/live', headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Record<string, unknown>>();
}

describe('failing segments through the API', () => {
  it('shows failing live work in the segment’s freshness and in /metrics, and never its data', async () => {
    await send([{ type: 'identify', userId: 'seed', traits: { score: 1 } }]);
    await worker.drain();
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'high-score', name: 'High score', target: 'person', rule: 'score > 5' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect((await segment('high-score')).freshness.failing).toEqual({ retrying: 0, parked: 0, lastError: null, lastErrorAt: null });
    // A stored rule PostgreSQL refuses at run time (a number operand that is not a number).
    await sql`UPDATE segment_versions SET rule = replace(rule::text, '"operands": [5]', '"operands": ["secret-oops"]')::jsonb
      WHERE workspace_id = ${ws.workspace.id} AND segment_key = 'high-score'`.execute(database.owner);

    await send([{ type: 'identify', userId: 'player-1', traits: { score: 9 } }]);
    // Queued and not yet evaluated: the system view says how much waits and for how long (queued_at
    // is the database's clock; here it is set to 3 s before the test's).
    await sql`UPDATE segment_work SET queued_at = ${new Date(nowMs - 3_000)} WHERE workspace_id = ${ws.workspace.id}`.execute(
      database.owner,
    );
    expect(await live()).toMatchObject({ queued: 1, oldestQueuedSeconds: 3, retrying: 0, parked: 0, lastError: null });
    await worker.drain();
    expect(await live()).toMatchObject({
      queued: 0,
      oldestQueuedSeconds: 0,
      retrying: 1,
      lastError: expect.stringMatching(/^SQLSTATE 22P02/) as unknown,
    });
    let view = await segment('high-score');
    expect(view.freshness.failing).toMatchObject({
      retrying: 1,
      parked: 0,
      lastError: expect.stringMatching(/^SQLSTATE 22P02/) as unknown,
    });
    expect(view.freshness.backlog).toBe(0);

    for (let attempt = 2; attempt <= workRetryPolicy.maxAttempts; attempt++) {
      nowMs += 5 * 60_000;
      await worker.drain();
    }
    view = await segment('high-score');
    expect(view.freshness.failing).toMatchObject({ retrying: 0, parked: 1 });
    expect(JSON.stringify(view.freshness)).not.toMatch(/secret|player-1/);
    expect(await live()).toMatchObject({ queued: 0, retrying: 0, parked: 1 });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/^strata_segment_work_parked 1$/m);
    expect(metrics.body).toMatch(/^strata_segment_work_retrying 0$/m);
  });

  it('answers 422 when the first backfill fails (here a statement timeout), and keeps nothing', async () => {
    await send([{ type: 'track', userId: 'u1', event: 'login' }]);
    await worker.drain();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('BEGIN');
    // Event rules read the event summaries, kept from the events: lock both.
    await client.query('LOCK TABLE events, event_summaries IN ACCESS EXCLUSIVE MODE');
    const released = setTimeout(() => void client.query('ROLLBACK'), 5000);
    let response;
    try {
      response = await app.inject({
        method: 'POST',
        url: '/api/v1/segments',
        headers: admin(),
        payload: { key: 'logged-in', name: 'Logged in', target: 'person', rule: 'did "login"' },
      });
    } finally {
      clearTimeout(released);
      await client.query('ROLLBACK');
      await client.end();
    }
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      error: { code: 'SEGMENT_EVALUATION_FAILED', message: expect.stringMatching(/^rule: /) as unknown },
    });
    expect((await app.inject({ url: '/api/v1/segments/logged-in', headers: admin() })).statusCode).toBe(404);
  });

  it('lists every segment even when one has no version (written before creation was one transaction)', async () => {
    await sql`INSERT INTO segments (workspace_id, segment_key, name, target) VALUES (${ws.workspace.id}, 'orphan', 'Orphan', 'person')`.execute(
      database.owner,
    );
    const response = await app.inject({ url: '/api/v1/segments', headers: admin() });
    expect(response.statusCode, response.body).toBe(200);
    const orphan = response.json<Array<{ key: string; status: string; rule: string }>>().find((s) => s.key === 'orphan');
    expect(orphan).toMatchObject({ status: 'failed', rule: '' });
  });
});
