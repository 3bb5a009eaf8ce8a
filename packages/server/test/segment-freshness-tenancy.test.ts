import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker, SegmentEngine } from '@strata/engine';
import { buildApp } from '@strata/server';
import { ensureEventPartitions } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth } from '../../../test-support/test-server.js';

let database: TestDatabase;
let first: TestWorkspace;
let second: TestWorkspace;
const now = () => new Date(Date.UTC(2026, 2, 10, 12));
let app: Awaited<ReturnType<typeof buildApp>>['app'];
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-02', '2026-03', '2026-04']);
  first = await createTestWorkspace(database);
  second = await createTestWorkspace(database);
  const strata = await buildApp({ logger: pino({ level: 'silent' }), now });
  // The engine is not started: the worker below records into its metrics, as the engine's own workers do.
  const engine = new SegmentEngine({ db: database.db, now, workers: 0 });
  strata.setServices({ db: database.db, engine });
  app = strata.app;
  await app.ready();
  worker = new LiveSegmentWorker({ db: database.db, now, metrics: engine.metrics });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function identify(ws: TestWorkspace, userId: string, plan: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: [{ type: 'identify', userId, traits: { plan }, timestamp: now().toISOString() }] },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function lastLiveChangeAt(ws: TestWorkspace, key: string) {
  const response = await app.inject({ url: `/api/v1/segments/${key}`, headers: { authorization: `Bearer ${ws.adminKey}` } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ freshness: { lastLiveChangeAt: string | null } }>().freshness.lastLiveChangeAt;
}

describe('segment freshness across workspaces', () => {
  it('shows a live change only in the workspace it happened in, even when both have a segment of that key', async () => {
    for (const ws of [first, second]) {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/segments',
        headers: { authorization: `Bearer ${ws.adminKey}` },
        payload: { key: 'pros', name: 'Pros', target: 'person', rule: 'plan = "pro"' },
      });
      expect(created.statusCode, created.body).toBe(201);
    }

    await identify(first, 'ada', 'pro');
    await worker.drain();

    expect(await lastLiveChangeAt(first, 'pros')).toBe(now().toISOString());
    expect(await lastLiveChangeAt(second, 'pros')).toBeNull();
  });
});
