import { afterAll, beforeAll, expect, it } from 'vitest';
import { playbookTriggersTask, type TaskServices } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

// The per-minute trigger poll reads only the workspaces with an enabled playbook of a kind it
// polls (event, schedule, health band, solved ticket): the others are not read at all.

let database: TestDatabase;
let app: Awaited<ReturnType<typeof createTestApp>>;
const services: TaskServices = { post: () => Promise.reject(new Error('posts nothing')) };
const task = [{ type: 'task', title: 'Follow up' }];

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function api(ws: TestWorkspace, method: 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
  expect(response.statusCode, response.body).toBeLessThan(300);
}
async function segment(ws: TestWorkspace) {
  // A rule names a field the workspace has seen.
  const seen = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId: 'first-seen', traits: { plan: 'trial' }, messageId: `m-${ws.workspace.id}` },
  });
  expect(seen.statusCode, seen.body).toBe(200);
  await api(ws, 'POST', '/api/v1/segments', { key: 'everyone', name: 'Everyone', target: 'person', rule: 'plan = "trial"' });
}
/** The workspaces the poll read: each read workspace gets its event reader's cursor. */
async function polledWorkspaces(): Promise<string[]> {
  const rows = await database.owner
    .selectFrom('change_cursors')
    .select('workspace_id')
    .where('subscriber', '=', 'playbook-events')
    .orderBy('workspace_id')
    .execute();
  return rows.map((r) => r.workspace_id);
}
const pollAll = () =>
  playbookTriggersTask.run(
    {},
    { db: database.db, now: () => new Date(), attempt: 1, maxAttempts: 1, lastAttempt: true, log: () => {}, services },
  );

it('polls only workspaces with an enabled playbook of a polled trigger kind', async () => {
  const onEvent = await createTestWorkspace(database);
  await api(onEvent, 'PUT', '/api/v1/playbooks/clicked', {
    name: 'Clicked',
    enabled: true,
    trigger: { on: 'event', event: 'clicked' },
    steps: task,
  });
  const onSchedule = await createTestWorkspace(database);
  await segment(onSchedule);
  const daily = { name: 'Daily', enabled: true, trigger: { on: 'schedule', cron: '0 9 * * *', segment: 'everyone' }, steps: task };
  await api(onSchedule, 'PUT', '/api/v1/playbooks/daily', daily);
  // Segment changes come through the change subscribers: nothing to poll.
  const onSegment = await createTestWorkspace(database);
  await segment(onSegment);
  await api(onSegment, 'PUT', '/api/v1/playbooks/welcome', {
    name: 'Welcome',
    enabled: true,
    trigger: { on: 'segment-entered', segment: 'everyone' },
    steps: task,
  });
  const disabled = await createTestWorkspace(database);
  await api(disabled, 'PUT', '/api/v1/playbooks/clicked', {
    name: 'Clicked',
    enabled: false,
    trigger: { on: 'event', event: 'clicked' },
    steps: task,
  });
  const deleted = await createTestWorkspace(database);
  await segment(deleted);
  await api(deleted, 'PUT', '/api/v1/playbooks/daily', daily);
  await api(deleted, 'DELETE', '/api/v1/playbooks/daily');
  await createTestWorkspace(database);

  await pollAll();
  expect(await polledWorkspaces()).toEqual([onEvent.workspace.id, onSchedule.workspace.id].sort());

  // Switched off (the kill switch), the schedule's workspace is no longer read; switched on, it is again.
  await database.owner.deleteFrom('change_cursors').execute();
  await api(onSchedule, 'PUT', '/api/v1/playbooks/daily', { ...daily, enabled: false });
  await pollAll();
  expect(await polledWorkspaces()).toEqual([onEvent.workspace.id]);
  await api(onSchedule, 'PUT', '/api/v1/playbooks/daily', daily);
  await pollAll();
  expect(await polledWorkspaces()).toEqual([onEvent.workspace.id, onSchedule.workspace.id].sort());
});
