import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkspace, ensureEventPartitions, listChurnExamples, listChurnFeatures, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const day = 86_400_000;
const asOf = new Date('2026-06-01T00:00:00Z');
const at = (daysFromAsOf: number) => new Date(asOf.getTime() + daysFromAsOf * day);

it('reads every feature as of the snapshot and labels churn in the 90 days after it', async () => {
  const workspace = await createWorkspace(database.db, { slug: 'churn-examples' });
  const scope = workspaceScope(database.db, workspace.id, () => at(200));
  const account = (groupId: string, traits: Record<string, unknown>, written: Record<string, Date>, createdAt: Date) => ({
    workspace_id: workspace.id,
    account_id: randomUUID(),
    group_id: groupId,
    traits: JSON.stringify(traits),
    trait_times: JSON.stringify(Object.fromEntries(Object.entries(written).map(([k, t]) => [k, [t.toISOString(), 'm']]))),
    created_at: createdAt,
  });
  const accounts = [
    // Churns 30 days after the snapshot; its plan was changed after the snapshot (unknown then).
    account(
      'churns-soon',
      { plan: 'pro', seats: 5, churned_at: at(30).toISOString() },
      { plan: at(10), seats: at(-50), churned_at: at(30) },
      at(-100),
    ),
    // Churns 120 days after: outside the horizon.
    account(
      'churns-later',
      { plan: 'basic', seats: 2, churned_at: at(120).toISOString() },
      { plan: at(-80), seats: at(-80), churned_at: at(120) },
      at(-100),
    ),
    // Churned before the snapshot, and one that began after it: neither is an example.
    account('gone', { churned_at: at(-5).toISOString() }, { churned_at: at(-5) }, at(-100)),
    account('new', { plan: 'pro' }, { plan: at(3) }, at(3)),
  ];
  await database.owner.insertInto('accounts').values(accounts).execute();
  await database.owner
    .insertInto('field_registry')
    .values(
      [
        ['plan', 'string'],
        ['seats', 'number'],
        ['churned_at', 'datetime'],
      ].map(([field, type]) => ({ workspace_id: workspace.id, source: 'account' as const, field: field!, type: type! })),
    )
    .execute();
  await ensureEventPartitions(database.owner, ['2026-03', '2026-04', '2026-05', '2026-06']);
  const soon = accounts[0]!.account_id;
  // Logins 10 and 40 days before, and one after the snapshot (not counted).
  await database.owner
    .insertInto('events')
    .values(
      [-10, -40, 2].map((d) => ({
        workspace_id: workspace.id,
        message_id: randomUUID(),
        type: 'track' as const,
        name: 'login',
        account_id: soon,
        properties: '{}',
        timestamp: at(d),
        received_at: at(d),
      })),
    )
    .execute();
  // Health history: the score of the snapshot's day or the latest before it.
  await database.owner
    .insertInto('account_health_days')
    .values([
      { workspace_id: workspace.id, model_key: 'default', account_id: soon, day: '2026-05-20', score: 41, band: null },
      { workspace_id: workspace.id, model_key: 'default', account_id: soon, day: '2026-06-02', score: 12, band: null },
    ])
    .execute();

  const features = await listChurnFeatures(scope);
  expect(features.map((f) => f.name)).not.toContain('churned_at_days_ago');
  const { accounts: examples, outcomes } = await listChurnExamples(scope, features, asOf);
  expect(examples.map((e) => e.groupId)).toEqual(['churns-later', 'churns-soon']);
  expect(outcomes).toEqual([0, 1]);
  expect(examples[1]!.row).toMatchObject({ logins_30d: 1, logins_90d: 2, events_30d: 1, plan: null, seats: 5, health_score: 41 });
  expect(examples[0]!.row).toMatchObject({ logins_90d: 0, plan: 'basic', seats: 2, health_score: null });
});
