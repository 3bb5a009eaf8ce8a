import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { segmentMessageSchema } from '@strata/core';
import { ingestMessages, eventRetentionTask } from '@strata/engine';
import { createWorkspace, readEventRetention, workspaceScope, writeEventRetention, type WorkspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
const now = new Date('2026-12-07T03:00:00Z');
const months = ['2026-06', '2026-09', '2026-11', '2026-12'];

async function seed(scope: WorkspaceScope) {
  await ingestMessages(scope, {
    receivedAt: now,
    messages: [
      { type: 'identify', userId: 'ada', traits: { plan: 'pro' }, timestamp: '2026-06-02T00:00:00Z' },
      ...months.map((m) => ({ type: 'track', userId: 'ada', event: 'Paid', timestamp: `${m}-05T00:00:00Z` })),
    ].map((m) => segmentMessageSchema.parse(m)),
  });
}
async function eventMonths(scope: WorkspaceScope): Promise<string[]> {
  const { rows } = await sql<{ m: string }>`SELECT to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM') AS m FROM events
    WHERE workspace_id = ${scope.workspaceId} ORDER BY 1`.execute(scope.db);
  return rows.map((r) => r.m);
}
async function runRetention() {
  await eventRetentionTask.run(
    {},
    {
      db: database.db,
      now: () => now,
      attempt: 1,
      maxAttempts: 3,
      lastAttempt: false,
      log: () => undefined,
      services: { post: () => Promise.reject(new Error('no network here')) },
    },
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

it('drops each workspace’s raw events past its own retention, a whole month at a time, and keeps profiles', async () => {
  const keepsThree = workspaceScope(database.db, (await createWorkspace(database.db, { slug: 'three' })).id, () => now);
  const keepsAll = workspaceScope(database.db, (await createWorkspace(database.db, { slug: 'all' })).id, () => now);
  await seed(keepsThree);
  await seed(keepsAll);
  await writeEventRetention(keepsThree, 3);
  expect(await readEventRetention(keepsThree)).toBe(3);

  await runRetention();
  // Three months kept: October (empty here), November and December; June and September go.
  expect(await eventMonths(keepsThree)).toEqual(['2026-11', '2026-12']);
  expect(await eventMonths(keepsAll)).toEqual(months);
  const profile = await keepsThree.db
    .selectFrom('people')
    .select('traits')
    .where('workspace_id', '=', keepsThree.workspaceId)
    .executeTakeFirst();
  expect(profile?.traits).toEqual({ plan: 'pro' });

  // Once every workspace's retention passes a month, its partition is emptied whole.
  await writeEventRetention(keepsAll, 5);
  await runRetention();
  expect(await eventMonths(keepsAll)).toEqual(['2026-09', '2026-11', '2026-12']);
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM events_2026_06`.execute(database.owner);
  expect(Number(rows[0]!.n)).toBe(0);
  expect(await eventMonths(keepsThree)).toEqual(['2026-11', '2026-12']);
});
