import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSegmentMessages, validateRule } from '@strata/core';
import { createSegment, ingestMessages, mixedSegmentWarnings, silhouette } from '@strata/engine';
import { createWorkspace, loadFieldSchema, selectRuleMembers, workspaceScope, type WorkspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
let scope: WorkspaceScope;
let workspaceId: string;
const now = new Date('2026-12-07T00:00:00Z');

/** Small accounts (MRR 100-119) and large ones (5000-5190) in one segment; a steady segment of one size of account. */
const small = Array.from({ length: 20 }, (_, i) => ({ groupId: `small-${i}`, mrr: 100 + i, plan: 'mixed' }));
const large = Array.from({ length: 20 }, (_, i) => ({ groupId: `large-${i}`, mrr: 5000 + 10 * i, plan: 'mixed' }));
const steady = Array.from({ length: 30 }, (_, i) => ({ groupId: `steady-${i}`, mrr: 1000 + 10 * i, plan: 'steady' }));

beforeAll(async () => {
  database = await createTestDatabase();
  workspaceId = (await createWorkspace(database.db, { slug: 'mixed', timezone: 'UTC' })).id;
  scope = workspaceScope(database.db, workspaceId, () => now);
  const parsed = parseSegmentMessages(
    [...small, ...large, ...steady].map((a) => ({
      type: 'group',
      userId: `u-${a.groupId}`,
      groupId: a.groupId,
      traits: { mrr: a.mrr, plan: a.plan },
    })),
  );
  if (!parsed.ok) throw new Error('messages');
  await ingestMessages(scope, { messages: parsed.messages, receivedAt: now });
  for (const plan of ['mixed', 'steady'])
    expect((await createSegment(scope, { key: plan, name: plan, target: 'account', rule: `plan = "${plan}"` }, {})).ok).toBe(true);
}, 120_000);
afterAll(async () => {
  await database.drop();
});

/** The clustering's view of MRR, computed here independently: log(1 + mrr), standardised. */
function standardisedLogMrr(values: number[]): number[][] {
  const logs = values.map((v) => Math.log1p(v));
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
  return logs.map((x) => [(x - mean) / sd]);
}

it('warns about a segment whose members split into two clearly different groups, with the split as two rules', async () => {
  const warnings = await mixedSegmentWarnings(database.db, workspaceId, { clock: () => now });
  expect(warnings.map((w) => w.segments)).toEqual([['mixed']]);
  const warning = warnings[0]!;
  expect(warning.code).toBe('mixed');
  expect(warning.sampled).toBe(40);
  // MRR is the only feature that varies among these accounts: the silhouette of small against large on it.
  const points = standardisedLogMrr([...small, ...large].map((a) => a.mrr));
  const expected = silhouette(
    points,
    points.map((_, i) => (i < small.length ? 0 : 1)),
  );
  expect(warning.silhouette).toBeCloseTo(expected, 9);
  expect(warning.silhouette).toBeGreaterThan(0.7);
  expect(warning.split.map((s) => s.size)).toEqual([20, 20]);
  const schema = await loadFieldSchema(scope);
  const selected = [];
  for (const { rule } of warning.split) {
    const checked = validateRule(rule, { target: 'account', schema });
    if (!checked.ok) throw new Error(rule);
    const rows = await selectRuleMembers(scope.db, checked.rule, { workspaceId, now }).execute();
    selected.push(rows.map((r) => r.externalId!.split('-')[0]).sort());
  }
  expect(selected.sort()).toEqual([Array(20).fill('large'), Array(20).fill('small')]);
  expect(warning.message).toContain('segment "mixed" holds two clearly different groups');
}, 120_000);

it('does not warn when the threshold is above the split, nor about small segments', async () => {
  expect(await mixedSegmentWarnings(database.db, workspaceId, { clock: () => now, minSilhouette: 0.99 })).toEqual([]);
  expect(await mixedSegmentWarnings(database.db, workspaceId, { clock: () => now, minMembers: 41 })).toEqual([]);
}, 120_000);
