import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSegment, ensurePredefinedSegments, loadSampleData } from '@strata/engine';
import { createWorkspace, workspaceScope, type Workspace } from '@strata/storage';
import {
  countWithStrata,
  disagreements,
  loadIntoDuckDb,
  runNaiveOnDuckDb,
  runNaiveOnPostgres,
  type LoadedDuckDb,
} from '../src/commands/bench-baselines.js';
import { runSetBasedOnDuckDb } from '../src/commands/bench-duckdb-setbased.js';
import { benchSegments } from '../src/commands/bench-segments.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
let workspace: Workspace;
let scratch: string;
let duck: LoadedDuckDb;

// The benchmark's workspace at size xs: the sample company, the 11 predefined segments and the
// 39 bench segments, each backfilled as the API does; then the rows copied into DuckDB once.
beforeAll(async () => {
  database = await createTestDatabase();
  scratch = await mkdtemp(join(tmpdir(), 'strata-baselines-'));
  workspace = await createWorkspace(database.db, { slug: 'bench', timezone: 'UTC' });
  const scope = workspaceScope(database.db, workspace.id, () => new Date());
  await loadSampleData(scope, database.pool, { size: 'xs', seed: 1 });
  await ensurePredefinedSegments(scope, {});
  for (const segment of benchSegments()) {
    const outcome = await createSegment(scope, { ...segment, name: segment.key }, {});
    if (!outcome.ok) throw new Error(`creating ${segment.key}: ${JSON.stringify(outcome.problem)}`);
  }
  duck = await loadIntoDuckDb(database.pool, scratch, workspace.id);
}, 300_000);
afterAll(async () => {
  duck?.close();
  await database.drop();
  await rm(scratch, { recursive: true, force: true });
});

it('counts every benchmark segment alike in Strata, plain SQL on PostgreSQL and DuckDB, and set-based SQL on DuckDB', async () => {
  const at = new Date();
  const strata = await countWithStrata(database.db, workspace.id, at);
  const keys = Object.keys(strata);
  expect(keys).toHaveLength(50);
  const naive = await runNaiveOnPostgres(database.pool, keys, workspace.id, at);
  const naiveDuck = await runNaiveOnDuckDb(duck.connection, keys, workspace.id, at);
  const setBased = await runSetBasedOnDuckDb(duck.connection, keys, workspace.id, at);
  expect(naiveDuck.unfinished).toEqual([]);
  expect(Object.keys(setBased.counts).sort()).toEqual([...keys].sort());
  expect(disagreements(strata, naive.counts, naiveDuck.counts, setBased.counts)).toEqual([]);
  // The sample company puts people in most segments: agreeing on empty sets would prove little.
  expect(keys.filter((key) => (strata[key] ?? 0) > 0).length).toBeGreaterThanOrEqual(40);
}, 300_000);

it('fails loudly, naming the segment, when no set-based SQL is written for it', async () => {
  await expect(runSetBasedOnDuckDb(duck.connection, ['active', 'no-such-segment'], workspace.id, new Date())).rejects.toThrow(
    /no set-based DuckDB SQL written for segment no-such-segment/,
  );
});
