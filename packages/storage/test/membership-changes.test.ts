import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyMembershipChanges, createWorkspace, inWorkspaceTransaction, listSegmentChanges, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

it('applies a switch-over of 40,000 members in one go: members and history together', async () => {
  const workspace = await createWorkspace(database.db, { slug: 'big' });
  const ids = Array.from({ length: 40_000 }, () => randomUUID());
  const at = new Date('2026-03-01T00:00:00Z');
  const cause = { kind: 'rule-change' as const, version: 2 };
  await inWorkspaceTransaction(
    workspaceScope(database.db, workspace.id, () => at),
    (tx) =>
      applyMembershipChanges(
        tx,
        'person',
        ids.map((memberId) => ({ segmentKey: 'big', version: 2, memberId, kind: 'enter' as const, cause })),
        at,
      ),
  );
  const count = async (table: 'segment_members' | 'segment_changes') =>
    Number(
      (
        await database.owner
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('workspace_id', '=', workspace.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  expect([await count('segment_members'), await count('segment_changes')]).toEqual([40_000, 40_000]);
  const first = await listSegmentChanges(
    workspaceScope(database.db, workspace.id, () => new Date()),
    { key: 'big', target: 'person' },
    undefined,
    1,
  );
  expect(first[0]).toMatchObject({ kind: 'enter', version: 2, cause });
  const exits = ids.slice(0, 30_000).map((memberId) => ({ segmentKey: 'big', version: 2, memberId, kind: 'exit' as const, cause }));
  await inWorkspaceTransaction(
    workspaceScope(database.db, workspace.id, () => new Date()),
    (tx) => applyMembershipChanges(tx, 'person', exits, at),
  );
  expect(await count('segment_members')).toBe(10_000);
});
