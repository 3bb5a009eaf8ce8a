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
  await ensureEventPartitions(database.db, ['2026-01', '2026-02', '2026-03']);
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
const logins = (daysAgo: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    type: 'track',
    userId: 'ada',
    event: 'login',
    context: { groupId: 'acme' },
    timestamp: new Date(nowMs - daysAgo * day - i * 60_000).toISOString(),
    messageId: `login-${daysAgo}-${i}`,
  }));
async function health(groupId: string) {
  const response = await app.inject({ url: `/api/v1/accounts/${groupId}/health`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ score: number; band: string; trend: string; measures: Array<Record<string, unknown>> }>();
}
async function members(key: string) {
  const response = await app.inject({ url: `/api/v1/segments/${key}/members`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id);
}

/** Logins per seat in 30 days: 0 scores 0, 5 scores 100; and a condition worth a third. */
const usageModel = (max: number) => ({
  name: 'Usage',
  method: 'weighted',
  measures: [
    {
      key: 'usage',
      name: 'Logins per seat',
      expression: 'count(events "login" within last 30 days) / seats',
      weight: 2,
      scoring: { type: 'linear', min: 0, max },
    },
    { key: 'paying', name: 'Pays', expression: 'mrr > 0', weight: 1, missing: 'zero' },
  ],
  bands: [
    { key: 'poor', name: 'Poor', min: 0 },
    { key: 'good', name: 'Good', min: 60 },
  ],
});

describe('health through the API and the live engine', { shuffle: false }, () => {
  it('lists the predefined default model, and refuses a bad model naming each field', async () => {
    const list = await app.inject({ url: '/api/v1/health-models', headers: admin() });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toMatchObject([
      { key: 'default', predefined: true, version: 0, method: 'weighted' },
      { key: 'value', predefined: true, version: 0 },
    ]);

    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/health-models/default',
      headers: admin(),
      payload: { ...usageModel(5), measures: [{ key: 'usage', name: 'U', expression: 'count(events "login") / seatz', weight: 1 }] },
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { code: 'INVALID_INPUT', details: [{ field: 'measures[0].expression', code: 'unknown-field' }] },
    });
  });

  it('scores an account, keeps a segment on health_score live, and logs band changes as data arrives', async () => {
    await send([
      { type: 'identify', userId: 'ada', timestamp: new Date(nowMs - 60 * day).toISOString() },
      {
        type: 'group',
        userId: 'ada',
        groupId: 'acme',
        traits: { seats: 2, mrr: 2000 },
        timestamp: new Date(nowMs - 60 * day).toISOString(),
      },
      ...logins(35, 4),
    ]);
    const put = await app.inject({ method: 'PUT', url: '/api/v1/health-models/default', headers: admin(), payload: usageModel(5) });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ key: 'default', version: 1, recompute: { status: 'running' } });

    // No login in 30 days: usage 0 (weight 2), pays 100 (weight 1): 100 / 3.
    const before = await health('acme');
    expect(before.score).toBeCloseTo(100 / 3, 9);
    expect(before.band).toBe('poor');
    expect(before.measures).toEqual([
      { key: 'usage', name: 'Logins per seat', value: 0, score: 0, weight: 2, contribution: 0 },
      { key: 'paying', name: 'Pays', value: 1, score: 100, weight: 1, contribution: 100 / 3 },
    ]);

    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'big-and-unhealthy', name: 'Big and unhealthy', target: 'account', rule: 'health_score < 40 and mrr >= 1000' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await members('big-and-unhealthy')).toEqual(['acme']);
    // The same from the people's side: a person rule reads the health of the person's accounts.
    const people = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: {
        key: 'in-poor-health',
        name: 'In poor health',
        target: 'person',
        rule: 'account.health_score < 40 and account.health_band = "poor"',
      },
    });
    expect(people.statusCode, people.body).toBe(201);
    expect(await members('in-poor-health')).toEqual(['ada']);

    // Eight logins today: 4 per seat scores 80; (2·80 + 100) / 3 = 86.67, band good; the segment follows.
    await send(logins(0, 8));
    const after = await health('acme');
    expect(after.score).toBeCloseTo(260 / 3, 9);
    expect(after.band).toBe('good');
    expect(await members('big-and-unhealthy')).toEqual([]);
    // The account's stored health changed: its people's segments re-evaluated live.
    expect(await members('in-poor-health')).toEqual([]);

    // Scored first by the built-in model when the account arrived, then by the edited one.
    // The log is read below the oldest running transaction of the cluster (other tests' too): poll.
    const defaultChanges = async () =>
      (await readHealthBandChangesAfter(scope(), logStart, 100))
        .filter((c) => c.modelKey === 'default')
        .map((c) => [c.groupId, c.fromBand, c.toBand]);
    await expect.poll(defaultChanges, { timeout: 60_000 }).toEqual([
      ['acme', null, 'fair'],
      ['acme', 'fair', 'poor'],
      ['acme', 'poor', 'good'],
    ]);
  });

  it('previews an edited model on the accounts without saving it, beside the saved scores', async () => {
    // 4 logins per seat of 20 scores 20: (2·20 + 100) / 3 = 46.67, band poor, against 86.67 saved.
    const preview = await app.inject({
      method: 'POST',
      url: '/api/v1/health-models/default/preview',
      headers: admin(),
      payload: usageModel(20),
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const answer = preview.json<{
      sampled: number;
      bins: Array<{ from: number; count: number; savedCount: number }>;
      bands: unknown;
      bandChanges: number;
      samples: Array<{ groupId: string; saved: number; preview: number; band: string }>;
    }>();
    expect(answer.sampled).toBe(1);
    expect(answer.bins.filter((b) => b.count > 0).map((b) => [b.from, b.count])).toEqual([[40, 1]]);
    expect(answer.bins.filter((b) => b.savedCount > 0).map((b) => [b.from, b.savedCount])).toEqual([[80, 1]]);
    expect(answer.bands).toEqual([
      { key: 'poor', name: 'Poor', count: 1 },
      { key: 'good', name: 'Good', count: 0 },
    ]);
    expect(answer.bandChanges).toBe(1);
    expect(answer.samples).toHaveLength(1);
    expect(answer.samples[0]).toMatchObject({ groupId: 'acme', band: 'poor' });
    expect(answer.samples[0]!.saved).toBeCloseTo(260 / 3, 9);
    expect(answer.samples[0]!.preview).toBeCloseTo(140 / 3, 9);

    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/health-models/default/preview',
      headers: admin(),
      payload: { ...usageModel(20), measures: [{ key: 'usage', name: 'U', expression: 'count(events "login") / seatz', weight: 1 }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { details: [{ field: 'measures[0].expression', code: 'unknown-field' }] } });
    // Nothing was saved: the model and the account's score are as before.
    const model = await app.inject({ url: '/api/v1/health-models/default', headers: admin() });
    expect(model.json()).toMatchObject({ version: 1 });
    expect((await health('acme')).score).toBeCloseTo(260 / 3, 9);
  });

  it('recomputes history from the data after a model change, with progress', async () => {
    // Now 2 logins per seat score 100.
    const put = await app.inject({ method: 'PUT', url: '/api/v1/health-models/default', headers: admin(), payload: usageModel(2) });
    expect(put.statusCode, put.body).toBe(200);
    await recomputeHealthHistory(scope(), (await workspaceHealthModel(scope(), 'default'))!);

    const model = await app.inject({ url: '/api/v1/health-models/default', headers: admin() });
    expect(model.json()).toMatchObject({ version: 2, recompute: { status: 'done', done: 1, total: 1 } });

    const history = await app.inject({ url: '/api/v1/accounts/acme/health/history?from=2025-12-01&to=2026-03-10', headers: admin() });
    expect(history.statusCode, history.body).toBe(200);
    const days = new Map(history.json<{ days: Array<{ day: string; score: number; band: string }> }>().days.map((d) => [d.day, d]));
    // 4 logins at noon on 2026-02-03 (35 days before now), each day scored at its end: from that day
    // until 2026-03-04 (whose 30 days start 2026-02-02 at 23:59:59.999) they are 2 per seat, score
    // (2·100 + 100) / 3; before and after, no login counts, 100 / 3.
    expect(days.get('2026-02-02')!.score).toBeCloseTo(100 / 3, 9);
    expect(days.get('2026-02-03')!.score).toBeCloseTo(100, 9);
    expect(days.get('2026-03-04')!.score).toBeCloseTo(100, 9);
    expect(days.get('2026-03-05')!.score).toBeCloseTo(100 / 3, 9);
    // Today: 8 logins, 4 per seat, capped at 100.
    expect(days.get('2026-03-10')).toMatchObject({ score: 100, band: 'good' });
    // The history begins 90 days back.
    expect([...days.keys()][0]).toBe('2025-12-11');
    expect(days.size).toBe(90);
  });

  it('places accounts on the value x health quadrant, with thresholds as a setting that segments on quadrant follow', async () => {
    // Value: MRR 2000 of 5000 (weight 60), 2 seats of 100 (weight 25) and no MRR history 90 days
    // back, so no growth (weight 15): 24 + 0.5 + 0 = 24.5; health 100.
    const quadrant = await app.inject({ url: '/api/v1/analytics/quadrant', headers: admin() });
    expect(quadrant.statusCode, quadrant.body).toBe(200);
    expect(quadrant.json()).toEqual([
      { groupId: 'acme', value: expect.closeTo(24.5, 9) as number, health: 100, quadrant: 'highest-potential' },
    ]);

    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'potential', name: 'Potential', target: 'account', rule: 'quadrant = "highest-potential"' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(await members('potential')).toEqual(['acme']);

    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/settings/health',
      headers: admin(),
      payload: { quadrant: { highValue: 20, healthy: 50, poorHealth: 60 } },
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json()).toMatchObject({ error: { details: [{ field: 'quadrant.poorHealth' }] } });

    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/settings/health',
      headers: admin(),
      payload: { quadrant: { highValue: 20, healthy: 70, poorHealth: 40 } },
    });
    expect(put.statusCode, put.body).toBe(200);
    await worker.drain();
    expect(await members('potential')).toEqual([]);
    const moved = await app.inject({ url: '/api/v1/analytics/quadrant', headers: admin() });
    expect(moved.json()).toMatchObject([{ groupId: 'acme', quadrant: 'key-accounts' }]);
  });

  it('takes a manual measure from a person, keeping who and when', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/health-models/csm',
      headers: admin(),
      payload: {
        name: 'CSM view',
        method: 'worst',
        measures: [
          { key: 'rating', name: 'CSM rating', manual: true, weight: 1, scoring: { type: 'linear', min: 0, max: 10 }, missing: 'neutral' },
          { key: 'paying', name: 'Pays', expression: 'mrr > 0', weight: 1 },
        ],
        bands: [{ key: 'all', name: 'All', min: 0 }],
      },
    });
    expect(put.statusCode, put.body).toBe(201);
    // Not rated yet: neutral 50 is the worst of 50 and 100.
    const unrated = await app.inject({ url: '/api/v1/accounts/acme/health?model=csm', headers: admin() });
    expect(unrated.json()).toMatchObject({
      score: 50,
      measures: [
        { key: 'rating', value: null, score: 50 },
        { key: 'paying', score: 100 },
      ],
    });

    const notManual = await app.inject({
      method: 'PUT',
      url: '/api/v1/accounts/acme/health/measures/paying?model=csm',
      headers: admin(),
      payload: { value: 3 },
    });
    expect(notManual.statusCode, notManual.body).toBe(400);
    expect(notManual.json<{ error: { message: string } }>().error.message).toContain('manual measures are rating');

    const rated = await app.inject({
      method: 'PUT',
      url: '/api/v1/accounts/acme/health/measures/rating?model=csm',
      headers: admin(),
      payload: { value: 3 },
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({
      score: 30,
      measures: [
        { key: 'rating', value: 3, score: 30, contribution: 30 },
        { key: 'paying', contribution: 0 },
      ],
    });
    const kept = await database.owner.selectFrom('health_manual_values').select(['measure_key', 'value', 'set_by', 'set_at']).execute();
    expect(kept).toEqual([{ measure_key: 'rating', value: 3, set_by: 'test', set_at: now() }]);
  });

  it('rescores every account daily as time passes, and segments on health follow', async () => {
    // 31 days on, the last logins left the 30-day window: usage 0, (0 + 100) / 3, down from 100 a month before.
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
    const after = await health('acme');
    expect(after.score).toBeCloseTo(100 / 3, 9);
    expect(after).toMatchObject({ band: 'poor', trend: 'down' });
    expect(await members('big-and-unhealthy')).toEqual(['acme']);
  });
});
