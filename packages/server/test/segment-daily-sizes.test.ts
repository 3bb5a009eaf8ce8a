import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker } from '@strata/engine';
import { ensureEventPartitions } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

// GET /api/v1/segments/{key}/sizes: the daily size series the segment page charts, read back
// from the size now and the enters and exits of each day.
let database: TestDatabase;
let ws: TestWorkspace;
let nowMs = Date.UTC(2026, 2, 10, 12);
const now = () => new Date(nowMs);
const day = 86_400_000;
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-02', '2026-03', '2026-04']);
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function identify(userId: string, plan: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId, traits: { plan }, timestamp: now().toISOString() },
  });
  expect(response.statusCode, response.body).toBe(200);
  await worker.drain();
}
async function sizes(query: string) {
  const response = await app.inject({ url: `/api/v1/segments/pros/sizes${query}`, headers: admin() });
  return response;
}

describe('daily segment sizes', () => {
  it('gives the size at the end of each day with its enters and exits, today last', async () => {
    await identify('ada', 'pro');
    await identify('bob', 'pro');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'pros', name: 'Pros', target: 'person', rule: 'plan = "pro"' },
    });
    expect(created.statusCode, created.body).toBe(201);
    nowMs += day; // 03-11: cyd enters
    await identify('cyd', 'pro');
    nowMs += 2 * day; // 03-13: ada leaves, dan enters, eve enters
    await identify('ada', 'free');
    await identify('dan', 'pro');
    await identify('eve', 'pro');

    const response = await sizes('?days=5');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      timezone: 'UTC',
      days: [
        { day: '2026-03-09', size: 0, entered: 0, exited: 0 },
        { day: '2026-03-10', size: 2, entered: 2, exited: 0 },
        { day: '2026-03-11', size: 3, entered: 1, exited: 0 },
        { day: '2026-03-12', size: 3, entered: 0, exited: 0 },
        { day: '2026-03-13', size: 4, entered: 2, exited: 1 },
      ],
    });
    // 30 days by default.
    expect((await sizes('')).json<{ days: unknown[] }>().days).toHaveLength(30);
  });

  it('refuses a number of days it cannot give, and an unknown segment', async () => {
    expect((await sizes('?days=0')).statusCode).toBe(400);
    expect((await sizes('?days=367')).statusCode).toBe(400);
    const missing = await app.inject({ url: '/api/v1/segments/nope/sizes', headers: admin() });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { message: 'no segment "nope" in this workspace' } });
  });
});
