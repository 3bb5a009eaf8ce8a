import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceEnrolment, LiveSegmentWorker, pollPlaybookTriggers, type TaskServices } from '@strata/engine';
import { ensureEventPartitions, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;
const minute = 60_000;
const day = 86_400_000;
// A Tuesday, 08:00 UTC (the workspace's timezone): the clock the app, the worker and the poller read.
let nowMs = Date.UTC(2026, 2, 10, 8);
const now = () => new Date(nowMs);
// Only task steps run here: nothing leaves the process.
const services: TaskServices = { post: () => Promise.reject(new Error('no webhook in these tests')) };

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-03', '2026-04']);
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
  await send([
    ...['ada', 'bob', 'cy'].map((userId) => ({ type: 'identify', userId, traits: { plan: userId === 'cy' ? 'pro' : 'trial' } })),
    { type: 'track', userId: 'ada', event: 'seed', properties: { page: '/' } },
  ]);
  for (const [key, rule] of [
    ['trialists', 'plan = "trial"'],
    ['payers', 'plan = "pro"'],
  ])
    expect((await api('POST', '/api/v1/segments', { key, name: key, target: 'person', rule })).statusCode).toBe(201);
  await worker.drain();
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const scope = () => workspaceScope(database.db, ws.workspace.id, now);
async function api(method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, key = ws.adminKey) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
}
async function send(batch: Array<Record<string, unknown>>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: batch.map((m) => ({ timestamp: now().toISOString(), messageId: `m-${randomBytes(6).toString('hex')}`, ...m })) },
  });
  expect(response.statusCode, response.body).toBe(200);
  await worker.drain();
}
type Run = { id: string; userId: string; status: string; cause: Record<string, unknown> };
async function runs(key: string): Promise<Run[]> {
  const response = await api('GET', `/api/v1/playbooks/${key}/runs`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Run[]>();
}
/**
 * Polls the trigger sources until the playbook has `count` runs. Logs are read below the oldest
 * running transaction of the whole cluster (other test files' too), so a fresh row can take a moment.
 */
async function pollUntilRuns(key: string, count: number): Promise<Run[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await pollPlaybookTriggers(scope());
    const found = await runs(key);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`playbook ${key} has ${found.length} runs, not ${count}`);
    await sleep(100);
  }
}
/** Runs every active run's steps (the job runner's work), so a schedule's next tick may enroll them again. */
async function finishRuns(key: string) {
  for (const run of await runs(key)) if (run.status === 'active') await advanceEnrolment(scope(), run.id, services);
  expect((await runs(key)).every((r) => r.status === 'completed')).toBe(true);
}
const task = [{ type: 'task', title: 'Follow up' }];
const fieldsOf = (body: string) => (JSON.parse(body) as { error: { details: Array<{ field: string }> } }).error.details.map((d) => d.field);

describe('playbook triggers', { shuffle: false }, () => {
  it('refuses a cron that is not one and unknown trigger fields, naming the field, and stores nothing', async () => {
    const badCron = await api('PUT', '/api/v1/playbooks/broken', {
      name: 'Broken',
      enabled: true,
      trigger: { on: 'schedule', cron: '61 9 * * *', segment: 'nope' },
      steps: task,
    });
    expect(badCron.statusCode, badCron.body).toBe(400);
    expect(fieldsOf(badCron.body)).toEqual(['trigger.cron', 'trigger.segment']);
    const sixFields = await api('PUT', '/api/v1/playbooks/broken', {
      name: 'Broken',
      enabled: true,
      trigger: { on: 'schedule', cron: '0 0 9 * * *', segment: 'trialists' },
      steps: task,
    });
    expect(fieldsOf(sixFields.body)).toEqual(['trigger.cron']);
    const unknownField = await api('PUT', '/api/v1/playbooks/broken', {
      name: 'Broken',
      enabled: true,
      trigger: { on: 'event', event: 'clicked', segment: 'trialists' },
      steps: task,
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.body).toContain('trigger');
    expect(unknownField.body).toContain('segment');
    const emptyPath = await api('PUT', '/api/v1/playbooks/broken', {
      name: 'Broken',
      enabled: true,
      trigger: { on: 'event', event: 'clicked', where: { 'plan.': 'pro' } },
      steps: task,
    });
    expect(fieldsOf(emptyPath.body)).toEqual(['trigger.where.plan.']);
    expect((await api('GET', '/api/v1/playbooks/broken')).statusCode).toBe(404);
    expect((await api('GET', '/api/v1/playbooks')).json()).toEqual([]);
  });

  it('enrolls a person on their tracked event whose properties match, with the event in the cause', async () => {
    const saved = await api('PUT', '/api/v1/playbooks/settings-help', {
      name: 'Settings help',
      enabled: true,
      trigger: { on: 'event', event: 'page-viewed', where: { path: '/settings', 'section.name': 'billing' } },
      filter: 'plan = "trial"',
      steps: task,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ trigger: { on: 'event', event: 'page-viewed', where: { path: '/settings' } } });
    nowMs += minute;
    await send([
      { type: 'track', userId: 'ada', event: 'page-viewed', properties: { path: '/settings', section: { name: 'billing' } } },
      // Another page, another section, another event, and a person the filter leaves out: none enroll.
      { type: 'track', userId: 'bob', event: 'page-viewed', properties: { path: '/home', section: { name: 'billing' } } },
      { type: 'track', userId: 'bob', event: 'page-viewed', properties: { path: '/settings', section: { name: 'team' } } },
      { type: 'track', userId: 'bob', event: 'clicked', properties: { path: '/settings', section: { name: 'billing' } } },
      { type: 'track', userId: 'cy', event: 'page-viewed', properties: { path: '/settings', section: { name: 'billing' } } },
    ]);
    const [run] = await pollUntilRuns('settings-help', 1);
    expect(run).toMatchObject({
      userId: 'ada',
      status: 'active',
      cause: {
        trigger: 'event',
        event: { name: 'page-viewed', properties: { path: '/settings', section: { name: 'billing' } }, timestamp: now().toISOString() },
      },
    });
    // Read once: polling again enrolls nobody twice, and the poller moved past every event.
    const again = await pollPlaybookTriggers(scope());
    expect(again.events).toBe(0);
    expect(await runs('settings-help')).toHaveLength(1);
  });

  it('enrolls a schedule segment once per cron time, and once for ticks missed while nothing ran', async () => {
    const daily = {
      name: 'Daily trial check',
      enabled: true,
      trigger: { on: 'schedule', cron: '0 9 * * *', segment: 'trialists' },
      steps: task,
      reenrollAfterDays: 0,
    };
    const saved = await api('PUT', '/api/v1/playbooks/daily-trial', daily);
    expect(saved.statusCode, saved.body).toBe(201);
    // 08:01: no 09:00 has come since the playbook was made.
    expect((await pollPlaybookTriggers(scope())).scheduledRuns).toBe(0);

    nowMs = Date.UTC(2026, 2, 10, 9, 0, 30);
    expect((await pollPlaybookTriggers(scope())).scheduledRuns).toBe(2);
    expect((await pollPlaybookTriggers(scope())).scheduledRuns).toBe(0);
    const first = await runs('daily-trial');
    expect(first.map((r) => r.userId).sort()).toEqual(['ada', 'bob']);
    expect(first[0]!.cause).toEqual({ trigger: 'schedule', segment: 'trialists', cron: '0 9 * * *', tick: '2026-03-10T09:00:00.000Z' });
    await finishRuns('daily-trial');

    // The next morning each member is enrolled again.
    nowMs = Date.UTC(2026, 2, 11, 9, 1);
    expect((await pollPlaybookTriggers(scope())).scheduledRuns).toBe(2);
    await finishRuns('daily-trial');

    // Down for three days: the ticks of the 12th, 13th and 14th run once, at the latest.
    nowMs = Date.UTC(2026, 2, 14, 17);
    expect((await pollPlaybookTriggers(scope())).scheduledRuns).toBe(2);
    expect((await pollPlaybookTriggers(scope())).scheduledRuns).toBe(0);
    const all = await runs('daily-trial');
    expect(all).toHaveLength(6);
    expect(all.filter((r) => r.cause['tick'] === '2026-03-14T09:00:00.000Z')).toHaveLength(2);
    await finishRuns('daily-trial');
    // Disabled (the kill switch), a schedule enrolls nobody.
    expect((await api('PUT', '/api/v1/playbooks/daily-trial', { ...daily, enabled: false })).statusCode).toBe(200);
    nowMs += day;
    expect((await pollPlaybookTriggers(scope())).scheduledRuns).toBe(0);
  });

  it('enrolls a person when their health band changes to the band named', async () => {
    const model = await api('PUT', '/api/v1/health-models/rating', {
      name: 'CSM rating',
      target: 'person',
      method: 'weighted',
      measures: [
        { key: 'rating', name: 'CSM rating', manual: true, weight: 1, scoring: { type: 'linear', min: 0, max: 5 }, missing: 'skip' },
      ],
      bands: [
        { key: 'low', name: 'Low', min: 0 },
        { key: 'high', name: 'High', min: 60 },
      ],
    });
    expect(model.statusCode, model.body).toBe(201);
    const saved = await api('PUT', '/api/v1/playbooks/champions', {
      name: 'New champions',
      enabled: true,
      trigger: { on: 'health-band-changed', to: 'high' },
      steps: task,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    nowMs += minute;
    const rate = async (userId: string, value: number) => {
      const response = await api('PUT', `/api/v1/people/${userId}/health/measures/rating?model=rating`, { value });
      expect(response.statusCode, response.body).toBe(200);
    };
    await rate('bob', 1); // 20: low, not the band named
    await rate('ada', 5); // 100: high
    const [run] = await pollUntilRuns('champions', 1);
    expect(run).toMatchObject({ userId: 'ada', cause: { trigger: 'health-band-changed', model: 'rating', to: 'high', userId: 'ada' } });
    expect((await runs('champions')).map((r) => r.userId)).toEqual(['ada']);
  });

  it("enrolls a solved ticket's requester, with the ticket in the cause", async () => {
    const saved = await api('PUT', '/api/v1/playbooks/csat', {
      name: 'CSAT follow-up',
      enabled: true,
      trigger: { on: 'ticket-solved' },
      steps: task,
      reenrollAfterDays: 0,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    nowMs += minute;
    const created = await api('POST', '/api/v1/tickets', { externalId: 'T-9', userId: 'cy', subject: 'Export fails' }, ws.writeKey);
    expect(created.statusCode, created.body).toBe(201);
    const ticketId = created.json<{ id: string }>().id;
    // Open, then pending: not solved, nobody enrolled.
    expect((await api('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'pending' }, ws.writeKey)).statusCode).toBe(200);
    nowMs += minute;
    const solved = await api('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'solved' }, ws.writeKey);
    expect(solved.statusCode, solved.body).toBe(200);
    const [run] = await pollUntilRuns('csat', 1);
    expect(run).toMatchObject({ userId: 'cy', cause: { trigger: 'ticket-solved', ticketId, externalId: 'T-9', subject: 'Export fails' } });
    // Solved again without reopening, or closed after solved, is no new solution; reopened and solved again is one.
    expect((await api('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'solved' }, ws.writeKey)).statusCode).toBe(200);
    expect((await api('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'closed' }, ws.writeKey)).statusCode).toBe(200);
    await finishRuns('csat');
    expect((await api('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'open' }, ws.writeKey)).statusCode).toBe(200);
    expect((await api('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'solved' }, ws.writeKey)).statusCode).toBe(200);
    expect(await pollUntilRuns('csat', 2)).toHaveLength(2);
    // Two solutions in the log, not four: solving twice and closing added none.
    const logged = await database.owner.selectFrom('ticket_solutions').select('change_id').where('ticket_id', '=', ticketId).execute();
    expect(logged).toHaveLength(2);
  });
});
