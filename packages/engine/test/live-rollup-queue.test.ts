import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSegmentMessages } from '@strata/core';
import { createSegment, ingestMessages, LiveSegmentWorker } from '@strata/engine';
import { createWorkspace, ensureEventPartitions, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-02', '2026-03']);
});
afterAll(async () => {
  await database.drop();
});

const now = Date.UTC(2026, 2, 10, 12);
const clock = () => new Date(now);

async function setUp() {
  const workspace = await createWorkspace(database.db, { slug: `rollup-queue-${Math.random().toString(36).slice(2)}` });
  const scope = workspaceScope(database.db, workspace.id, clock);
  for (const s of [
    { key: 'logged-in', target: 'person' as const, rule: 'did "login" within last 7 days' },
    { key: 'team', target: 'account' as const, rule: 'count(people where did "login" within last 7 days) >= 2' },
  ]) {
    const created = await createSegment(scope, { ...s, name: s.key }, {});
    expect(created.ok, s.rule).toBe(true);
  }
  let sequence = 0;
  const send = async (raw: Array<Record<string, unknown>>) => {
    const parsed = parseSegmentMessages(raw.map((m) => ({ ...m, messageId: `m${sequence++}`, timestamp: clock().toISOString() })));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    await ingestMessages(scope, { messages: parsed.messages, receivedAt: clock() });
  };
  const worker = new LiveSegmentWorker({ db: database.db, now: clock, batchSize: 100 });
  // Three people in g1 and one in g2, their links evaluated.
  await send([
    ...['u1', 'u2', 'u3'].map((userId) => ({ type: 'group', userId, groupId: 'g1', traits: { plan: 'pro' } })),
    { type: 'group', userId: 'u4', groupId: 'g2', traits: { plan: 'pro' } },
  ]);
  await worker.drain();
  return { workspaceId: workspace.id, send, worker };
}

/** Queued work of the workspace, as (target, external id, topics). */
async function queued(workspaceId: string) {
  const rows = await database.owner
    .selectFrom('segment_work as w')
    .leftJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'w.workspace_id').onRef('a.account_id', '=', 'w.profile_id'))
    .leftJoin('people as p', (j) => j.onRef('p.workspace_id', '=', 'w.workspace_id').onRef('p.person_id', '=', 'w.profile_id'))
    .select(['w.target', 'a.group_id', 'p.user_id', 'w.topics'])
    .where('w.workspace_id', '=', workspaceId)
    .orderBy('w.work_id')
    .execute();
  return rows.map((r) => ({ target: r.target, id: r.group_id ?? r.user_id, topics: r.topics }));
}

async function members(workspaceId: string, key: string): Promise<number> {
  const rows = await database.owner
    .selectFrom('segment_members')
    .select('member_id')
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', key)
    .execute();
  return rows.length;
}

it("a batch of people queues their accounts' rollups, only for topics an account rule reads, and the next batch decides them", async () => {
  const { workspaceId, send, worker } = await setUp();
  await send([
    { type: 'track', userId: 'u1', event: 'login' },
    { type: 'track', userId: 'u2', event: 'login' },
    // No account rule reads feature_used: g2 gets no work from it.
    { type: 'track', userId: 'u4', event: 'feature_used' },
  ]);
  expect((await queued(workspaceId)).map((w) => w.target)).toEqual(['person', 'person', 'person']);

  expect(await worker.processBatch()).toBe(3);
  expect(await members(workspaceId, 'logged-in')).toBe(2);
  // The account is not decided in the people's batch: it waits in the queue, once.
  expect(await members(workspaceId, 'team')).toBe(0);
  expect(await queued(workspaceId)).toEqual([{ target: 'account', id: 'g1', topics: ['person:event:login'] }]);

  expect(await worker.processBatch()).toBe(1);
  expect(await members(workspaceId, 'team')).toBe(1);
  expect(await queued(workspaceId)).toEqual([]);
});

it('an account queued by several batches of its people is decided once, in one claim', async () => {
  const { workspaceId, send } = await setUp();
  await send([
    { type: 'track', userId: 'u1', event: 'login' },
    { type: 'track', userId: 'u2', event: 'login' },
  ]);
  // One profile per batch: each person's batch queues g1.
  const worker = new LiveSegmentWorker({ db: database.db, now: clock, batchSize: 1 });
  expect(await worker.processBatch()).toBe(1);
  expect(await worker.processBatch()).toBe(1);
  expect(await queued(workspaceId)).toEqual([
    { target: 'account', id: 'g1', topics: ['person:event:login'] },
    { target: 'account', id: 'g1', topics: ['person:event:login'] },
  ]);
  // Both items in one claim, one decision.
  expect(await worker.processBatch()).toBe(2);
  expect(await queued(workspaceId)).toEqual([]);
  const changes = await database.owner
    .selectFrom('segment_changes')
    .select('kind')
    .where('workspace_id', '=', workspaceId)
    .where('segment_key', '=', 'team')
    .execute();
  expect(changes.map((c) => c.kind)).toEqual(['enter']);
});
