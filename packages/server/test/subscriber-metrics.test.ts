import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSegment, SubscriberRunner, type Subscriber } from '@strata/engine';
import { applyMembershipChanges, inWorkspaceTransaction, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof createTestApp>>;
let first: TestWorkspace;
let second: TestWorkspace;
const start = Date.UTC(2026, 11, 6, 12);
let clock = start;
const now = () => new Date(clock);

beforeAll(async () => {
  database = await createTestDatabase();
  first = await createTestWorkspace(database);
  second = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function enter(workspaceId: string, count: number) {
  const changes = Array.from({ length: count }, () => ({
    segmentKey: 'pro',
    version: 1,
    memberId: randomUUID(),
    kind: 'enter' as const,
    cause: { kind: 'membership' as const },
  }));
  await inWorkspaceTransaction(workspaceScope(database.db, workspaceId, now), (tx) => applyMembershipChanges(tx, 'person', changes, now()));
}

function gauge(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{subscriber="membership-webhooks"} `));
  if (!line) throw new Error(`no ${name} for membership-webhooks in /metrics`);
  return Number(line.split(' ')[1]);
}

it('reports each subscriber’s backlog, lag and failing workspaces over all workspaces in /metrics, naming no workspace', async () => {
  for (const ws of [first, second])
    await createSegment(
      workspaceScope(database.db, ws.workspace.id, now),
      { key: 'pro', name: 'Pro', target: 'person', rule: 'plan = "pro"' },
      {},
    );
  await enter(first.workspace.id, 3);
  clock += 60_000;
  await enter(second.workspace.id, 2);
  clock += 30_000;

  let metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  expect(gauge(metrics, 'strata_subscriber_backlog')).toBe(5);
  expect(gauge(metrics, 'strata_subscriber_lag_seconds')).toBe(90);
  expect(gauge(metrics, 'strata_subscriber_failing_workspaces')).toBe(0);
  expect(metrics).not.toContain(first.workspace.id);

  // The first workspace's changes are handled; the second's handler fails and backs off.
  const failing: Subscriber = {
    name: 'membership-webhooks',
    log: 'segment-changes',
    handle: (_changes, context) =>
      context.scope.workspaceId === second.workspace.id ? Promise.reject(new Error('receiver down')) : Promise.resolve(),
  };
  await new SubscriberRunner({ db: database.db, now, subscribers: [failing] }).runOnce();

  metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  expect(gauge(metrics, 'strata_subscriber_backlog')).toBe(2);
  expect(gauge(metrics, 'strata_subscriber_lag_seconds')).toBe(30);
  expect(gauge(metrics, 'strata_subscriber_failing_workspaces')).toBe(1);
});
