import { afterAll, beforeAll, expect, it } from 'vitest';
import { findProfileId, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
const nowMs = Date.UTC(2026, 2, 10, 12);
const minute = 60_000;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now: () => new Date(nowMs) });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function call(method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) {
  const response = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ws.adminKey}` },
    ...(payload ? { payload: payload } : {}),
  });
  return { status: response.statusCode, body: response.json() };
}
async function ticket(userId: string, groupId: string, priority: string, minutesAgo: number): Promise<string> {
  const write = { authorization: basicAuth(ws.writeKey) };
  await app.inject({ method: 'POST', url: '/v1/group', headers: write, payload: { userId, groupId, traits: { name: groupId } } });
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/tickets',
    headers: write,
    payload: { userId, groupId, subject: `${priority} ticket`, priority, createdAt: new Date(nowMs - minutesAgo * minute).toISOString() },
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json<{ id: string }>().id;
}

interface Item {
  id: string;
  score: number;
  priority: string;
  why: Array<{ term: string; points: number }>;
  sla: { minutesLeft: number; milestone: string } | null;
  queue: string | null;
  assignee: string | null;
  customer: { segments: string[] };
}

it('orders open tickets by priority, SLA time left, churn risk, value and sentiment, explains each part, and pages with a cursor', async () => {
  expect(
    (
      await call('PUT', '/api/v1/sla-policies/standard', {
        name: 'Standard',
        businessHours: false,
        targets: {
          urgent: { firstResponseMinutes: 30, resolutionMinutes: 240 },
          normal: { firstResponseMinutes: 240, resolutionMinutes: 2880 },
          low: { firstResponseMinutes: 480, resolutionMinutes: 5760 },
        },
      })
    ).status,
  ).toBe(201);
  expect(
    (await call('PUT', '/api/v1/support-policies/all', { name: 'Everyone', position: 1, when: 'subject is set', set: { sla: 'standard' } }))
      .status,
  ).toBe(201);

  const urgent = await ticket('u1', 'small', 'urgent', 10); // first response due in 20 minutes
  const breached = await ticket('u2', 'small', 'normal', 300); // first response 60 minutes late
  const risky = await ticket('u3', 'big', 'low', 0); // low priority, but the account may churn and is worth a lot
  const calm = await ticket('u4', 'small', 'low', 0);

  // The account's stored churn risk and value score, as the churn and health work keep them.
  const scope = workspaceScope(database.db, ws.workspace.id, () => new Date(nowMs));
  const big = (await findProfileId(scope, 'account', 'big'))!;
  await scope.db
    .insertInto('churn_scores')
    .values({
      workspace_id: ws.workspace.id,
      account_id: big,
      probability: 0.9,
      band: 'high',
      contributions: '[]',
      model_version: 1,
      scored_at: new Date(nowMs),
    })
    .execute();
  await scope.db
    .insertInto('account_health')
    .values({
      workspace_id: ws.workspace.id,
      account_id: big,
      model_key: 'value',
      model_version: 1,
      score: 80,
      band: null,
      trend: 'flat',
      measures: '[]',
      computed_at: new Date(nowMs),
    })
    .execute();

  // A segment the big account is in, and one its person is in: both show on the ticket (a
  // segment is filled when it is created).
  expect((await call('POST', '/api/v1/segments', { key: 'big-one', name: 'Big', target: 'account', rule: 'name = "big"' })).status).toBe(
    201,
  );
  expect(
    (await call('POST', '/api/v1/segments', { key: 'u3-person', name: 'U3', target: 'person', rule: 'email is not set' })).status,
  ).toBe(201);

  const page = (await call('GET', '/api/v1/triage')).body as { items: Item[]; nextCursor: string | null };
  expect(page.items.find((i) => i.id === risky)!.customer.segments).toEqual(expect.arrayContaining(['big-one', 'u3-person']));
  expect(page.items.find((i) => i.id === calm)!.customer.segments).not.toContain('big-one');
  expect(page.nextCursor).toBeNull();
  const byId = new Map(page.items.map((i) => [i.id, i]));
  // By hand (weights 40/30/15/10/5 of 100; sentiment neutral on these subjects):
  // urgent: 40 x 1 + 30 x 1/(1 + 20/60) = 40 + 22.5 = 62.5
  // breached: 40 x 1/3 + 30 x 1 = 13.33 + 30 = 43.33
  // risky: 0 + 30 x 1/(1 + 480/60) + 15 x 0.9 + 10 x 0.8 = 3.33 + 13.5 + 8 = 24.83
  // calm: 0 + 3.33 = 3.33
  const parts = (id: string) => Object.fromEntries(byId.get(id)!.why.map((p) => [p.term, p.points]));
  expect(byId.get(urgent)!.sla).toMatchObject({ milestone: 'first-response', minutesLeft: 20 });
  expect(byId.get(breached)!.sla).toMatchObject({ milestone: 'first-response', minutesLeft: -60 });
  expect(parts(urgent)).toMatchObject({ priority: 40, sla: 22.5, churnRisk: 0, value: 0 });
  expect(parts(breached)).toMatchObject({ priority: 13.33, sla: 30 });
  expect(parts(risky)).toMatchObject({ priority: 0, sla: 3.33, churnRisk: 13.5, value: 8 });
  for (const item of page.items) expect(Math.abs(item.score - item.why.reduce((s, p) => s + p.points, 0))).toBeLessThan(0.05);
  expect(page.items.map((i) => i.id)).toEqual([urgent, breached, risky, calm]);

  // Two at a time: the same order, in pages.
  const first = (await call('GET', '/api/v1/triage?limit=2')).body as { items: Item[]; nextCursor: string };
  const second = (await call('GET', `/api/v1/triage?limit=2&cursor=${first.nextCursor}`)).body as {
    items: Item[];
    nextCursor: string | null;
  };
  expect([...first.items, ...second.items].map((i) => i.id)).toEqual([urgent, breached, risky, calm]);
  expect(second.nextCursor).toBeNull();
  const bad = await call('GET', '/api/v1/triage?cursor=nonsense');
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toContain('cursor');

  // Weights are a setting: with only the customer's value counting, the big account comes first.
  expect(
    (await call('PUT', '/api/v1/settings/triage', { weights: { priority: 0, sla: 0, churnRisk: 0, value: 1, sentiment: 0 } })).status,
  ).toBe(200);
  expect(((await call('GET', '/api/v1/triage')).body as { items: Item[] }).items[0]!.id).toBe(risky);
  expect(
    (await call('PUT', '/api/v1/settings/triage', { weights: { priority: 0, sla: 0, churnRisk: 0, value: 0, sentiment: 0 } })).status,
  ).toBe(400);

  // An agent's and a queue's view.
  await call('PUT', '/api/v1/queues/tier-1', { name: 'Tier 1', agents: [{ email: 'ana@support.example' }] });
  await call('POST', `/api/v1/tickets/${breached}/assignment`, { queue: 'tier-1' });
  const mine = (await call('GET', '/api/v1/triage?agent=ana@support.example')).body as { items: Item[] };
  expect(mine.items.map((i) => [i.id, i.queue, i.assignee])).toEqual([[breached, 'tier-1', 'ana@support.example']]);
  expect(((await call('GET', '/api/v1/triage?queue=tier-1')).body as { items: Item[] }).items.map((i) => i.id)).toEqual([breached]);
});
