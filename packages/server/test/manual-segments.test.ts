import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceEnrolment,
  LiveSegmentWorker,
  playbookEnrolments,
  pollPlaybookTriggers,
  recomputeWorkspace,
  SubscriberRunner,
  type TaskServices,
} from '@strata/engine';
import { ensureEventPartitions, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;
let nowMs = Date.UTC(2026, 2, 10, 8);
const now = () => new Date(nowMs);
const services: TaskServices = { post: () => Promise.reject(new Error('no webhook in these tests')) };

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-03', '2026-04']);
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
  await send([
    { type: 'identify', userId: 'ada', traits: { plan: 'pro' } },
    { type: 'identify', userId: 'bob', traits: { plan: 'free' } },
    { type: 'identify', userId: 'cy', traits: { plan: 'pro' } },
  ]);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const scope = () => workspaceScope(database.db, ws.workspace.id, now);
async function api(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
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
async function members(key: string): Promise<string[]> {
  await worker.drain();
  const response = await api('GET', `/api/v1/segments/${key}/members`);
  expect(response.statusCode, response.body).toBe(200);
  return response
    .json<{ items: Array<{ id: string }> }>()
    .items.map((i) => i.id)
    .sort();
}
const fieldsOf = (body: string) => (JSON.parse(body) as { error: { details: Array<{ field: string }> } }).error.details.map((d) => d.field);

describe('manual segments', { shuffle: false }, () => {
  it('creates a manual segment without a rule, and refuses a rule for one or no rule for another', async () => {
    const both = await api('POST', '/api/v1/segments', { key: 'vip', name: 'VIP', target: 'person', manual: true, rule: 'plan = "pro"' });
    expect(both.statusCode, both.body).toBe(400);
    expect(fieldsOf(both.body)).toEqual(['rule']);
    const neither = await api('POST', '/api/v1/segments', { key: 'vip', name: 'VIP', target: 'person' });
    expect(neither.statusCode, neither.body).toBe(400);
    expect(fieldsOf(neither.body)).toEqual(['rule']);
    expect((await api('GET', '/api/v1/segments/vip')).statusCode).toBe(404);

    const created = await api('POST', '/api/v1/segments', { key: 'vip', name: 'VIP', target: 'person', manual: true });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ key: 'vip', manual: true, rule: '', status: 'active', members: 0 });
    // A rule segment may refer to it.
    const pro = await api('POST', '/api/v1/segments', {
      key: 'vip-pro',
      name: 'Pro VIPs',
      target: 'person',
      rule: 'in segment "vip" and plan = "pro"',
    });
    expect(pro.statusCode, pro.body).toBe(201);
    expect(pro.json()).toMatchObject({ manual: false, members: 0 });
  });

  it('adds members by userId, once, and every reader sees them: members, the change log, in segment rules', async () => {
    const unknown = await api('POST', '/api/v1/segments/vip/members', { userIds: ['ada', 'nobody'] });
    expect(unknown.statusCode, unknown.body).toBe(400);
    expect(fieldsOf(unknown.body)).toEqual(['userIds[1]']);
    expect(await members('vip')).toEqual([]);
    const accounts = await api('POST', '/api/v1/segments/vip/members', { groupIds: ['acme'] });
    expect(fieldsOf(accounts.body)).toEqual(['groupIds']);

    const added = await api('POST', '/api/v1/segments/vip/members', { userIds: ['ada', 'bob'] });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toEqual({ changed: ['ada', 'bob'], members: 2 });
    const again = await api('POST', '/api/v1/segments/vip/members', { userIds: ['bob'] });
    expect(again.json()).toEqual({ changed: [], members: 2 });
    expect(await members('vip')).toEqual(['ada', 'bob']);
    // "in segment" follows live: Ada is a pro VIP, Bob is not pro, Cy is no VIP.
    expect(await members('vip-pro')).toEqual(['ada']);
    const changes = await api('GET', '/api/v1/segments/vip/changes');
    expect(changes.json<{ items: Array<{ id: string; change: string; cause: unknown }> }>().items).toEqual([
      expect.objectContaining({ id: 'ada', change: 'enter', cause: { kind: 'manual', by: 'api' } }),
      expect.objectContaining({ id: 'bob', change: 'enter', cause: { kind: 'manual', by: 'api' } }),
    ]);
  });

  it('keeps manual members through live changes, a full recompute and rule edits it refuses', async () => {
    // Later than the first identify, so Bob's new plan wins.
    nowMs += 60_000;
    await send([{ type: 'identify', userId: 'bob', traits: { plan: 'pro' } }]);
    expect(await members('vip')).toEqual(['ada', 'bob']);
    expect(await members('vip-pro')).toEqual(['ada', 'bob']);
    await recomputeWorkspace(scope());
    expect(await members('vip')).toEqual(['ada', 'bob']);
    expect(await members('vip-pro')).toEqual(['ada', 'bob']);

    const ruled = await api('PUT', '/api/v1/segments/vip', { rule: 'plan = "pro"' });
    expect(ruled.statusCode, ruled.body).toBe(400);
    expect(fieldsOf(ruled.body)).toEqual(['rule']);
    const dryRun = await api('PUT', '/api/v1/segments/vip', { rule: 'plan = "pro"', dryRun: true });
    expect(dryRun.statusCode).toBe(400);
    // A rule segment takes no members by hand.
    const byHand = await api('POST', '/api/v1/segments/vip-pro/members', { userIds: ['cy'] });
    expect(byHand.statusCode).toBe(400);
    expect(fieldsOf(byHand.body)).toEqual(['key']);
    expect(await members('vip-pro')).toEqual(['ada', 'bob']);
  });

  it('removes a member, and segments that refer to it follow', async () => {
    const removed = await api('DELETE', '/api/v1/segments/vip/members/bob');
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await members('vip')).toEqual(['ada']);
    expect(await members('vip-pro')).toEqual(['ada']);
    expect((await api('DELETE', '/api/v1/segments/vip/members/nobody')).statusCode).toBe(404);
    // Explain has no rule to read: membership as set, and who set it.
    const explained = await api('GET', '/api/v1/segments/vip/explain?id=ada');
    expect(explained.statusCode, explained.body).toBe(200);
    expect(explained.json()).toMatchObject({
      member: true,
      conditions: [],
      membership: { member: true },
      history: [{ change: 'enter', cause: { kind: 'manual', by: 'api' } }],
    });
    expect((await api('GET', '/api/v1/segments/vip/explain?id=bob')).json()).toMatchObject({
      member: false,
      membership: { member: false },
    });
    const changes = await api('GET', '/api/v1/segments/vip/changes');
    expect(changes.json<{ items: Array<{ id: string; change: string }> }>().items.at(-1)).toMatchObject({ id: 'bob', change: 'exit' });
  });

  it('adds and removes through playbook steps, which only name manual segments of people', async () => {
    // Playbooks hear what happens after they exist: a minute after the changes above.
    nowMs += 60_000;
    const bad = await api('PUT', '/api/v1/playbooks/promote', {
      name: 'Promote',
      enabled: true,
      trigger: { on: 'event', event: 'upgraded' },
      steps: [
        { type: 'add-to-segment', segment: 'vip-pro' },
        { type: 'remove-from-segment', segment: 'nope' },
      ],
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['steps[0].segment', 'steps[1].segment']);
    expect((await api('GET', '/api/v1/playbooks/promote')).statusCode).toBe(404);

    const saved = await api('PUT', '/api/v1/playbooks/promote', {
      name: 'Promote',
      enabled: true,
      trigger: { on: 'event', event: 'upgraded' },
      steps: [{ type: 'add-to-segment', segment: 'vip' }],
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const demote = await api('PUT', '/api/v1/playbooks/demote', {
      name: 'Demote',
      enabled: true,
      trigger: { on: 'event', event: 'downgraded' },
      steps: [{ type: 'remove-from-segment', segment: 'vip' }],
    });
    expect(demote.statusCode, demote.body).toBe(201);
    // A playbook on entering the manual segment hears the step's change like any other.
    const welcome = await api('PUT', '/api/v1/playbooks/vip-welcome', {
      name: 'VIP welcome',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'vip' },
      steps: [{ type: 'task', title: 'Welcome the new VIP' }],
    });
    expect(welcome.statusCode, welcome.body).toBe(201);

    nowMs += 60_000;
    await send([
      { type: 'track', userId: 'cy', event: 'upgraded' },
      { type: 'track', userId: 'ada', event: 'downgraded' },
    ]);
    const runOf = async (key: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        await pollPlaybookTriggers(scope());
        const [run] = (await api('GET', `/api/v1/playbooks/${key}/runs`)).json<Array<{ id: string }>>();
        if (run) return run;
        if (Date.now() > deadline) throw new Error(`no run of ${key}`);
        await sleep(100);
      }
    };
    await advanceEnrolment(scope(), (await runOf('promote')).id, services);
    await advanceEnrolment(scope(), (await runOf('demote')).id, services);
    expect(await members('vip')).toEqual(['cy']);
    expect(await members('vip-pro')).toEqual(['cy']);
    const [promoted] = (await api('GET', '/api/v1/playbooks/promote/runs')).json<
      Array<{ status: string; steps: Array<{ outcome: string }> }>
    >();
    expect(promoted).toMatchObject({ status: 'completed', steps: [{ outcome: 'added' }] });
    const changes = (await api('GET', '/api/v1/segments/vip/changes')).json<{ items: Array<{ id: string; cause: unknown }> }>().items;
    expect(changes.find((c) => c.id === 'cy')).toMatchObject({ cause: { kind: 'manual', by: 'playbook:promote' } });

    const subscribers = new SubscriberRunner({ db: database.db, now, subscribers: [playbookEnrolments] });
    const deadline = Date.now() + 30_000;
    let welcomed: Array<{ userId: string }> = [];
    while (welcomed.length === 0) {
      if (Date.now() > deadline) throw new Error('the segment trigger did not hear the manual change');
      await subscribers.runOnce();
      welcomed = (await api('GET', '/api/v1/playbooks/vip-welcome/runs')).json<Array<{ userId: string }>>();
      await sleep(100);
    }
    expect(welcomed.map((r) => r.userId)).toEqual(['cy']);
  });
});
