import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  advanceCursor,
  applyMembershipChanges,
  createWorkspace,
  inWorkspaceTransaction,
  lockCursor,
  workspacesWithNewSegmentChanges,
  workspaceScope,
} from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** Scans of the change log so far, as the statistics collector has them. */
async function logScans(): Promise<{ seq: number; idx: number }> {
  const row = await sql<{ seq: string; idx: string }>`
    SELECT seq_scan AS seq, coalesce(idx_scan, 0) AS idx FROM pg_stat_user_tables WHERE relname = 'segment_changes'`.execute(
    database.owner,
  );
  return { seq: Number(row.rows[0]!.seq), idx: Number(row.rows[0]!.idx) };
}

it('a caught-up subscriber finds no new changes through the log index, never reading the whole log', async () => {
  const workspace = await createWorkspace(database.db, { slug: 'poll' });
  const at = new Date('2026-03-01T00:00:00Z');
  const scope = workspaceScope(database.db, workspace.id, () => at);
  const changes = Array.from({ length: 40_000 }, () => ({
    segmentKey: 'big',
    version: 1,
    memberId: randomUUID(),
    kind: 'enter' as const,
    cause: { kind: 'membership' as const },
  }));
  await inWorkspaceTransaction(scope, (tx) => applyMembershipChanges(tx, 'person', changes, at));
  expect(await workspacesWithNewSegmentChanges(database.db, 'reader')).toEqual([workspace.id]);

  // The subscriber has handled every change.
  const last = await sql<{ txid: string; change_id: string }>`
    SELECT txid::text, change_id FROM segment_changes WHERE workspace_id = ${workspace.id} ORDER BY txid DESC, change_id DESC LIMIT 1`.execute(
    database.owner,
  );
  await inWorkspaceTransaction(scope, async (tx) => {
    await lockCursor(tx, 'reader');
    await advanceCursor(tx, 'reader', { txid: last.rows[0]!.txid, changeId: Number(last.rows[0]!.change_id) }, changes.length);
  });
  await sql`ANALYZE segment_changes`.execute(database.owner);

  // With nothing after the cursor a sequential scan reads every change: the poll must walk the index.
  const before = await logScans();
  for (let i = 0; i < 5; i++) expect(await workspacesWithNewSegmentChanges(database.db, 'reader')).toEqual([]);
  // Backends report their counts when idle, at most once a second.
  let after = await logScans();
  for (let waited = 0; after.idx - before.idx < 5 && waited < 10_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    after = await logScans();
  }
  expect(after.idx - before.idx).toBeGreaterThanOrEqual(5);
  expect(after.seq - before.seq).toBe(0);
});
