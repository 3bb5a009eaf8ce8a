import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSampleData } from '@strata/engine';
import { createWorkspace, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

// The runtime role may not ANALYZE (PostgreSQL only warns), so a bulk load that asked for it
// directly left the planner without statistics, and the live engine's scoped rule queries fell
// back to parallel scans: catch-up after the benchmark's burst took 35 s instead of 15.
it('leaves planner statistics after a bulk load by the runtime role', async () => {
  const at = new Date('2026-12-07T00:00:00Z');
  const workspace = await createWorkspace(database.db, { slug: 'stats', timezone: 'UTC' });
  await loadSampleData(
    workspaceScope(database.db, workspace.id, () => at),
    database.pool,
    { size: 'xs', seed: 3 },
  );
  const { rows } = await sql<{ relname: string; analyzed: boolean }>`
    SELECT relname, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
    WHERE relname IN ('people', 'accounts', 'person_accounts', 'identities', 'events', 'tickets', 'ticket_messages', 'surveys')
    ORDER BY relname`.execute(database.owner);
  expect(rows).toEqual(
    ['accounts', 'events', 'identities', 'people', 'person_accounts', 'surveys', 'ticket_messages', 'tickets'].map((relname) => ({
      relname,
      analyzed: true,
    })),
  );
  // The function analyzes tables of schema public only, and refuses a name that is none.
  await expect(sql`SELECT strata_analyze(ARRAY['no_such_table'])`.execute(database.db)).rejects.toThrow(/no table no_such_table/);
});
