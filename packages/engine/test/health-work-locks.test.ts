import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkspace, inWorkspaceTransaction, lockProfiles, queueHealthWork, readHealthBacklog, workspaceScope } from '@strata/storage';
import { scoreQueuedHealth } from '../src/health/index.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

it('health scoring passes over an account a live batch holds, so the batch can queue it again without a deadlock', async () => {
  const workspace = await createWorkspace(database.db, { slug: 'health-locks' });
  const scope = workspaceScope(database.db, workspace.id, () => new Date());
  const accountId = randomUUID();
  await scope.db
    .insertInto('accounts')
    .values({
      workspace_id: workspace.id,
      account_id: accountId,
      group_id: 'acme',
      traits: JSON.stringify({ seats: 2 }),
      trait_times: '{}',
    })
    .execute();
  const cause = { kind: 'traits' as const, names: ['seats'] };
  await inWorkspaceTransaction(scope, (tx) => queueHealthWork(tx, [accountId], cause));

  // A live batch: it takes the account's profile lock, then (after scoring has tried) queues it again.
  let locked!: () => void;
  let scoringTried!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const tried = new Promise<void>((resolve) => (scoringTried = resolve));
  const batch = inWorkspaceTransaction(scope, async (tx) => {
    await lockProfiles(tx, [accountId]);
    locked();
    await tried;
    await queueHealthWork(tx, [accountId], cause);
  });
  await isLocked;
  // Waiting for the lock here while holding the queue row would deadlock with the batch's insert.
  expect(await scoreQueuedHealth(scope, 10)).toBe(0);
  scoringTried();
  await batch;

  expect((await inWorkspaceTransaction(scope, (tx) => readHealthBacklog(tx))).queued).toBe(1);
  expect(await scoreQueuedHealth(scope, 10)).toBe(1);
  const stored = await scope.db
    .selectFrom('account_health')
    .select(['account_id', 'model_key'])
    .where('account_id', '=', accountId)
    .execute();
  expect(stored.map((s) => s.model_key)).toContain('default');
  expect((await inWorkspaceTransaction(scope, (tx) => readHealthBacklog(tx))).queued).toBe(0);
}, 60_000);
