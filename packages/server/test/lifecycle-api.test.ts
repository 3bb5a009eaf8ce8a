import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensurePredefinedSegments, LiveSegmentWorker } from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
const day = 86_400_000;
const nowMs = Date.UTC(2026, 5, 10, 12);
const now = () => new Date(nowMs);
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
  await ensurePredefinedSegments(workspaceScope(database.db, ws.workspace.id, now), {});
}, 120_000);
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const daysFromNow = (days: number) => new Date(nowMs + days * day).toISOString();
let sent = 0;
async function group(groupId: string, traits: Record<string, unknown>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: {
      batch: [{ type: 'group', userId: `u-${groupId}`, groupId, traits, timestamp: now().toISOString(), messageId: `m${sent++}` }],
    },
  });
  expect(response.statusCode, response.body).toBe(200);
  await worker.drain();
}
async function members(key: string) {
  const response = await app.inject({ url: `/api/v1/segments/${key}/members`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response
    .json<{ items: Array<{ id: string }> }>()
    .items.map((i) => i.id)
    .sort();
}
async function putStages(stages: Array<{ stage: string; when: string }>) {
  return app.inject({ method: 'PUT', url: '/api/v1/settings/lifecycle', headers: admin(), payload: { stages } });
}

it('puts each account in the first stage whose rule holds, live, and takes edited stage rules, naming each mistake', async () => {
  await group('trialing-co', { status: 'trialing', signed_up_at: daysFromNow(-5) });
  await group('new-co', { mrr: 100, signed_up_at: daysFromNow(-10) });
  await group('steady-co', { mrr: 500, signed_up_at: daysFromNow(-200), renews_at: daysFromNow(200) });
  await group('renewing-co', { mrr: 500, signed_up_at: daysFromNow(-200), renews_at: daysFromNow(20) });
  await group('gone-co', { mrr: 0, status: 'churned', churned_at: daysFromNow(-3), renews_at: daysFromNow(20) });
  for (const [key, rule] of Object.entries({ 'in-renewal': 'renewal', 'in-adoption': 'adoption', 'in-churned': 'churned' })) {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key, name: key, target: 'account', rule: `lifecycle_stage = "${rule}"` },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
  // Churned comes before renewal: gone-co is churned though its renewal date is near.
  expect(await members('lifecycle-trial')).toEqual(['trialing-co']);
  expect(await members('lifecycle-onboarding')).toEqual(['new-co']);
  expect(await members('in-renewal')).toEqual(['renewing-co']);
  expect(await members('in-adoption')).toEqual(['steady-co']);
  expect(await members('in-churned')).toEqual(['gone-co']);

  // Live: a renewal date coming near moves steady-co from adoption to renewal.
  await group('steady-co', { renews_at: daysFromNow(30) });
  expect(await members('in-renewal')).toEqual(['renewing-co', 'steady-co']);
  expect(await members('in-adoption')).toEqual([]);

  const defaults = await app.inject({ url: '/api/v1/settings/lifecycle', headers: admin() });
  expect(defaults.statusCode).toBe(200);
  const stages = defaults.json<{ stages: Array<{ stage: string; when: string }> }>().stages;
  expect(stages.map((s) => s.stage)).toEqual(['churned', 'trial', 'at-risk', 'onboarding', 'expansion', 'renewal', 'adoption']);

  const bad = await putStages([
    ...stages.slice(0, 2),
    { stage: 'renewal', when: 'renews_at within next' },
    { stage: 'renewal', when: 'mrr > 0' },
    { stage: 'dormant', when: 'mrr = 0' },
    { stage: 'adoption', when: 'lifecycle_stage = "trial"' },
  ]);
  expect(bad.statusCode, bad.body).toBe(400);
  const fields = bad.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field);
  expect(fields).toEqual(expect.arrayContaining(['stages[2].when', 'stages[3].stage', 'stages[4].stage', 'stages[5].when', 'stages']));

  // Renewal first, with a narrower window: gone-co, renewing within 25 days, is now in renewal.
  const edited = [{ stage: 'renewal', when: 'renews_at within next 25 days' }, ...stages.filter((s) => s.stage !== 'renewal')];
  const put = await putStages(edited);
  expect(put.statusCode, put.body).toBe(200);
  await worker.drain();
  expect(await members('in-renewal')).toEqual(['gone-co', 'renewing-co']);
  expect(await members('in-churned')).toEqual([]);
  expect(await members('in-adoption')).toEqual(['steady-co']);
  const saved = await app.inject({ url: '/api/v1/settings/lifecycle', headers: admin() });
  expect(saved.json<{ stages: Array<{ stage: string }> }>().stages[0]).toEqual({ stage: 'renewal', when: 'renews_at within next 25 days' });
}, 120_000);
