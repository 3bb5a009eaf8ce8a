import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker, recomputeHealthHistory, refreshHealthTask, workspaceHealthModel } from '@strata/engine';
import { ensureEventPartitions, logStart, readHealthBandChangesAfter, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
const day = 86_400_000;
let nowMs = Date.UTC(2026, 2, 10, 12);
const now = () => new Date(nowMs);
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-01', '2026-02', '2026-03', '2026-04']);
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const scope = () => workspaceScope(database.db, ws.workspace.id, now);
async function send(messages: Array<Record<string, unknown>>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: messages },
  });
  expect(response.statusCode, response.body).toBe(200);
  await worker.drain();
}
const logins = (userId: string, daysAgo: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    type: 'track',
    userId,
    event: 'login',
    context: { groupId: 'acme' },
    timestamp: new Date(nowMs - daysAgo * day - i * 60_000).toISOString(),
    messageId: `login-${userId}-${nowMs}-${daysAgo}-${i}`,
  }));
async function health(userId: string, model?: string) {
  const response = await app.inject({ url: `/api/v1/people/${userId}/health${model ? `?model=${model}` : ''}`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    userId: string;
    model: string;
    score: number;
    band: string;
    trend: string;
    measures: Array<Record<string, unknown>>;
  }>();
}
async function members(key: string) {
  const response = await app.inject({ url: `/api/v1/segments/${key}/members`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id);
}

/** Logins in 30 days (10 score 100, weight 2), the account on the pro plan (weight 1), and a CSM's rating of the person. */
const engagementModel = {
  name: 'Champion engagement',
  target: 'person',
  method: 'weighted',
  measures: [
    {
      key: 'logins',
      name: 'Logins (30 days)',
      expression: 'count(events "login" within last 30 days)',
      weight: 2,
      scoring: { type: 'linear', min: 0, max: 10 },
      missing: 'zero',
    },
    { key: 'pro', name: 'Account on pro', expression: 'account.plan = "pro"', weight: 1, missing: 'zero' },
    { key: 'rating', name: 'CSM rating', manual: true, weight: 1, scoring: { type: 'linear', min: 0, max: 5 }, missing: 'skip' },
  ],
  bands: [
    { key: 'at-risk', name: 'At risk', min: 0 },
    { key: 'engaged', name: 'Engaged', min: 40 },
    { key: 'champion', name: 'Champion', min: 80 },
  ],
};

describe('person health through the API and the live engine', { shuffle: false }, () => {
  it('refuses a person model whose measures read what people do not have, naming the field', async () => {
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/health-models/engagement',
      headers: admin(),
      payload: { ...engagementModel, measures: [{ key: 'usage', name: 'U', expression: 'count(people) / account.seats', weight: 1 }] },
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT', details: [{ field: 'measures[0].expression' }] } });
  });

  it('scores each person, keeps a person segment on health_score live, and logs band changes with the userId', async () => {
    await send([
      { type: 'identify', userId: 'grace', timestamp: new Date(nowMs - 60 * day).toISOString() },
      { type: 'identify', userId: 'linus', timestamp: new Date(nowMs - 60 * day).toISOString() },
      ...['grace', 'linus'].map((userId) => ({
        type: 'group',
        userId,
        groupId: 'acme',
        traits: { plan: 'free' },
        timestamp: new Date(nowMs - 60 * day).toISOString(),
      })),
      ...logins('grace', 2, 3),
      ...logins('linus', 2, 9),
    ]);
    const put = await app.inject({ method: 'PUT', url: '/api/v1/health-models/engagement', headers: admin(), payload: engagementModel });
    expect(put.statusCode, put.body).toBe(201);
    expect(put.json()).toMatchObject({ key: 'engagement', target: 'person', version: 1, recompute: { status: 'running' } });
    await recomputeHealthHistory(scope(), (await workspaceHealthModel(scope(), 'engagement'))!);

    // Grace: 3 logins score 30 (weight 2), free plan 0, no rating (skipped): 60 / 3 = 20; up from the
    // recomputed history's 0 of 30 days ago, before her logins.
    const grace = await health('grace');
    expect(grace).toMatchObject({ userId: 'grace', model: 'engagement', band: 'at-risk', trend: 'up' });
    expect(grace.score).toBeCloseTo(20, 9);
    expect(grace.measures).toEqual([
      { key: 'logins', name: 'Logins (30 days)', value: 3, score: 30, weight: 2, contribution: 20 },
      { key: 'pro', name: 'Account on pro', value: 0, score: 0, weight: 1, contribution: 0 },
      { key: 'rating', name: 'CSM rating', value: null, score: null, weight: 0, contribution: 0 },
    ]);
    // An account model does not score people.
    const wrongModel = await app.inject({ url: '/api/v1/people/grace/health?model=default', headers: admin() });
    expect(wrongModel.statusCode, wrongModel.body).toBe(400);

    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'disengaged', name: 'Disengaged', target: 'person', rule: 'health_score < 40' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await members('disengaged')).toEqual(['grace']);

    // Five more logins today: 8 score 80, (160 + 0) / 3 = 53.3, engaged; the segment follows live.
    await send(logins('grace', 0, 5));
    const engaged = await health('grace');
    expect(engaged.score).toBeCloseTo(160 / 3, 9);
    expect(engaged.band).toBe('engaged');
    expect(await members('disengaged')).toEqual([]);

    // The account moves to pro: a person measure reads `account.plan`, so its people are rescored.
    await send([{ type: 'group', userId: 'grace', groupId: 'acme', traits: { plan: 'pro' }, timestamp: now().toISOString() }]);
    // (160 + 100) / 3 = 86.7: a champion.
    expect(await health('grace')).toMatchObject({ band: 'champion' });

    // The log is read below the oldest running transaction of the cluster (other tests' too): poll.
    const graceChanges = async () =>
      (await readHealthBandChangesAfter(scope(), logStart, 100))
        .filter((c) => c.modelKey === 'engagement' && c.userId === 'grace')
        .map((c) => [c.target, c.groupId, c.fromBand, c.toBand]);
    await expect.poll(graceChanges, { timeout: 60_000 }).toEqual([
      ['person', null, null, 'at-risk'],
      ['person', null, 'at-risk', 'engaged'],
      ['person', null, 'engaged', 'champion'],
    ]);
  });

  it('answers the daily history recomputed from the data after the model change', async () => {
    const history = await app.inject({ url: '/api/v1/people/grace/health/history?from=2026-03-01&to=2026-03-10', headers: admin() });
    expect(history.statusCode, history.body).toBe(200);
    const days = history.json<{ userId: string; model: string; days: Array<{ day: string; score: number; band: string }> }>();
    expect(days).toMatchObject({ userId: 'grace', model: 'engagement' });
    // Before her logins two days ago nothing counted; from their day on, 3 logins (20); today 8 and pro.
    expect(days.days.find((d) => d.day === '2026-03-07')).toMatchObject({ score: 0, band: 'at-risk' });
    expect(days.days.find((d) => d.day === '2026-03-08')!.score).toBeCloseTo(20, 9);
    expect(days.days.find((d) => d.day === '2026-03-10')).toMatchObject({ band: 'champion' });
    const model = await app.inject({ url: '/api/v1/health-models/engagement', headers: admin() });
    expect(model.json()).toMatchObject({ recompute: { status: 'done', done: 2, total: 2 } });
  });

  it('takes a manual measure for a person, keeping who and when', async () => {
    const rated = await app.inject({
      method: 'PUT',
      url: '/api/v1/people/linus/health/measures/rating?model=engagement',
      headers: admin(),
      payload: { value: 1 },
    });
    expect(rated.statusCode, rated.body).toBe(200);
    // Linus: 9 logins (90, weight 2), pro (100), rating 1 of 5 (20): (180 + 100 + 20) / 4 = 75.
    expect(rated.json()).toMatchObject({ userId: 'linus', score: 75, band: 'engaged' });
    const kept = await database.owner.selectFrom('person_health_manual_values').select(['measure_key', 'value', 'set_by']).execute();
    expect(kept).toEqual([{ measure_key: 'rating', value: 1, set_by: 'test' }]);
  });

  it('rescores people daily as time passes, and the person segment follows', async () => {
    // 31 days on, every login left the 30-day window: Grace keeps only pro, 100 / 3, down from a month before.
    nowMs += 31 * day;
    await refreshHealthTask.run(
      { workspaceId: ws.workspace.id },
      {
        db: database.db,
        now,
        attempt: 1,
        maxAttempts: 3,
        lastAttempt: false,
        log: () => undefined,
        services: { post: () => Promise.reject(new Error('no network in this test')) },
      },
    );
    await worker.drain();
    const after = await health('grace');
    expect(after.score).toBeCloseTo(100 / 3, 9);
    expect(after).toMatchObject({ band: 'at-risk', trend: 'down' });
    // Linus too: pro (100) and his rating (20) without logins, (0 + 100 + 20) / 4 = 30.
    expect((await members('disengaged')).sort()).toEqual(['grace', 'linus']);
  });
});
