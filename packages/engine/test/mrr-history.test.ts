import { afterAll, beforeAll, expect, it } from 'vitest';
import { baseFieldSchema, evaluateRule, parseSegmentMessages, validateRule } from '@strata/core';
import { createSegment, ensureLifecycleFieldsRegistered, ingestMessages, LiveSegmentWorker, sweepTime } from '@strata/engine';
import {
  createWorkspace,
  loadAccountRecord,
  readMrrHistory,
  selectRuleMembers,
  workspaceScope,
  type WorkspaceScope,
} from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  ensureLifecycleFieldsRegistered();
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const day = 86_400_000;
let sent = 0;

async function setMrr(scope: WorkspaceScope, changes: Array<{ groupId: string; mrr: unknown; daysAgo: number }>, now: number) {
  const parsed = parseSegmentMessages(
    changes.map((c) => ({
      type: 'group',
      userId: `u-${c.groupId}`,
      groupId: c.groupId,
      traits: { mrr: c.mrr },
      timestamp: new Date(now - c.daysAgo * day).toISOString(),
      messageId: `${c.groupId}-${sent++}`,
    })),
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  await ingestMessages(scope, { messages: parsed.messages, receivedAt: new Date(now) });
}

async function members(scope: WorkspaceScope, key: string): Promise<string[]> {
  const rows = await scope.db
    .selectFrom('segment_members as m')
    .innerJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'm.workspace_id').onRef('a.account_id', '=', 'm.member_id'))
    .select('a.group_id')
    .where('m.segment_key', '=', key)
    .execute();
  return rows.map((r) => r.group_id).sort();
}

it('keeps each MRR set in the history, whatever order it arrives in, and mrr_change_90d follows writes and the passing of time', async () => {
  let now = Date.UTC(2026, 5, 1);
  const clock = () => new Date(now);
  const workspace = await createWorkspace(database.db, { slug: 'mrr-history' });
  const scope = workspaceScope(database.db, workspace.id, clock);
  const created = await createSegment(scope, { key: 'growing', name: 'Growing', target: 'account', rule: 'mrr_change_90d > 0' }, {});
  expect(created.ok).toBe(true);
  const worker = new LiveSegmentWorker({ db: database.db, now: clock, batchSize: 25 });

  await setMrr(
    scope,
    [
      // Up from 100 to 300; the later value arrives first.
      { groupId: 'up', mrr: 300, daysAgo: 10 },
      { groupId: 'up', mrr: 100, daysAgo: 120 },
      // Younger than 90 days: no MRR 90 days ago, so no change.
      { groupId: 'young', mrr: 100, daysAgo: 30 },
      { groupId: 'young', mrr: 500, daysAgo: 1 },
      // Up within the last 90 days, but only by a change that leaves the window in two days.
      { groupId: 'leaving', mrr: 100, daysAgo: 100 },
      { groupId: 'leaving', mrr: 400, daysAgo: 89 },
      // Down: from 200 to 150; then "a lot" is no number, so the change is missing.
      { groupId: 'down', mrr: 200, daysAgo: 95 },
      { groupId: 'down', mrr: 150, daysAgo: 5 },
      { groupId: 'unknown', mrr: 200, daysAgo: 95 },
      { groupId: 'unknown', mrr: 'a lot', daysAgo: 2 },
    ],
    now,
  );
  await worker.drain();
  expect(await members(scope, 'growing')).toEqual(['leaving', 'up']);

  // The value, as SQL and the loaded record (what the evaluator reads) give it.
  const checked = validateRule('mrr_change_90d > -1000', { target: 'account', schema: baseFieldSchema() });
  if (!checked.ok) throw new Error(JSON.stringify(checked.diagnostics));
  const ids = await scope.db.selectFrom('accounts').select(['account_id', 'group_id']).execute();
  const idOf = (groupId: string) => ids.find((r) => r.group_id === groupId)!.account_id;
  const changeOf = async (groupId: string) =>
    (await loadAccountRecord(scope, idOf(groupId), { rule: checked.rule, now: clock() }))?.columns['mrr_change_90d'];
  expect(await changeOf('up')).toBe(200);
  expect(await changeOf('down')).toBe(-50);
  expect(await changeOf('young')).toBeNull();
  expect(await changeOf('unknown')).toBeNull();
  // SQL and the evaluator (which reads the loaded history at the instant it decides) agree, now and as of a past day.
  for (const at of [clock(), new Date(now - 50 * day), new Date(now - 100 * day)]) {
    const inSql = await selectRuleMembers(scope.db, checked.rule, { workspaceId: workspace.id, now: at }).execute();
    const inMemory: string[] = [];
    for (const { account_id, group_id } of ids) {
      const record = await loadAccountRecord(scope, account_id, { rule: checked.rule, now: at });
      if (evaluateRule(checked.rule, record!, at, 'UTC')) inMemory.push(group_id);
    }
    expect(inSql.map((m) => ids.find((r) => r.account_id === m.id)!.group_id).sort()).toEqual(inMemory.sort());
    if (at === clock()) expect(inMemory).toEqual(['down', 'leaving', 'up']);
  }
  expect((await readMrrHistory(scope, idOf('up'))).map((p) => p.mrr)).toEqual([100, 300]);

  // A write: "up" falls below its MRR of 90 days ago and leaves at once.
  await setMrr(scope, [{ groupId: 'up', mrr: 50, daysAgo: 0 }], now);
  await worker.drain();
  expect(await members(scope, 'growing')).toEqual(['leaving']);

  // Time: two days on, the rise of "leaving" is more than 90 days old; only the sweep can see it.
  now += 2 * day;
  await sweepTime(database.db, clock());
  await worker.drain();
  expect(await members(scope, 'growing')).toEqual([]);
  expect(await changeOf('leaving')).toBe(0);
});
