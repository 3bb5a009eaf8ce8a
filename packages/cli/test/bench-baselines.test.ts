import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { parseSegmentMessages } from '@strata/core';
import { createSegment, ensurePredefinedSegments, ingestMessages, loadSampleData } from '@strata/engine';
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
/** The one instant everything is generated, ingested, backfilled and counted at. */
const at = new Date();
const before = (ms: number) => new Date(at.getTime() - ms).toISOString();
const minute = 60_000;
const day = 86_400_000;

/**
 * People whose rows sit exactly on a window's edge or just past it, so that a baseline which
 * gets an edge wrong (`>` for `>=`, `<=` for `<`, local days for UTC) counts one person more or
 * less than Strata. Generated data almost never lands on an edge.
 */
const edgePeople: Array<{ userId: string; traits?: Record<string, unknown>; events: Array<[name: string, timestamp: string]> }> = [
  // `within last 1 days` includes its first instant; 1 ms earlier is out.
  { userId: 'edge-login-1d', events: [['login', before(day)]] },
  { userId: 'edge-login-1d-past', events: [['login', before(day + 1)]] },
  // `more than 7 days ago` is strict: a last login exactly 7 days ago is not more.
  { userId: 'edge-last-login-7d', events: [['login', before(7 * day)]] },
  { userId: 'edge-last-login-7d-past', events: [['login', before(7 * day + 1)]] },
  { userId: 'edge-login-90min', events: [['login', before(90 * minute)]] },
  // Three UTC days within the last 7 days only if the window's first instant counts.
  { userId: 'edge-active', events: ['login', 'feature_used', 'login'].map((name, i) => [name, before([7 * day, 3 * day, minute][i]!)]) },
  {
    userId: 'edge-active-past',
    events: ['login', 'feature_used', 'login'].map((name, i) => [name, before([7 * day + 1, 3 * day, minute][i]!)]),
  },
  // Signed up exactly 7 and 30 days ago, and just past 30: `joined-*`, `onboarding-stalled`.
  { userId: 'edge-signup-7d', traits: { signed_up_at: before(7 * day) }, events: [] },
  { userId: 'edge-signup-30d', traits: { signed_up_at: before(30 * day) }, events: [] },
  { userId: 'edge-signup-30d-past', traits: { signed_up_at: before(30 * day + 1) }, events: [] },
];

// The benchmark's workspace at size xs: the sample company plus the edge people, the predefined
// segments (15 of them counted: the quadrant's four and the stages after at-risk read stored
// scores) and the 39 bench segments, each backfilled as the API does; then the rows
// copied into DuckDB once.
beforeAll(async () => {
  database = await createTestDatabase();
  scratch = await mkdtemp(join(tmpdir(), 'strata-baselines-'));
  workspace = await createWorkspace(database.db, { slug: 'bench', timezone: 'UTC' });
  const scope = workspaceScope(database.db, workspace.id, () => at);
  await loadSampleData(scope, database.pool, { size: 'xs', seed: 1 });
  const parsed = parseSegmentMessages(
    edgePeople.flatMap(({ userId, traits, events }) => [
      { type: 'identify', userId, traits: { email: `${userId}@edge.example`, ...traits }, timestamp: before(0) },
      ...events.map(([event, timestamp]) => ({ type: 'track', userId, event, timestamp })),
    ]),
  );
  if (!parsed.ok) throw new Error(`edge messages: ${JSON.stringify(parsed)}`);
  await ingestMessages(scope, { messages: parsed.messages, receivedAt: at });
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

it('puts the edge people where the rule language says, so the edges are in the counts compared below', async () => {
  const { rows } = await sql<{ user_id: string; segment_key: string }>`
    SELECT p.user_id, m.segment_key FROM segment_members m JOIN people p ON p.workspace_id = m.workspace_id AND p.person_id = m.member_id
    WHERE m.workspace_id = ${workspace.id} AND p.user_id LIKE 'edge-%'
      AND m.segment_key IN ('logins-1d-1', 'no-login-7d', 'recent-login', 'active', 'joined-7d', 'joined-30d', 'onboarding-stalled')
    ORDER BY 1, 2`.execute(database.owner);
  expect(rows.map((r) => `${r.user_id} ${r.segment_key}`)).toEqual([
    'edge-active active',
    'edge-active logins-1d-1',
    'edge-active recent-login',
    'edge-active-past logins-1d-1',
    'edge-active-past recent-login',
    'edge-last-login-7d-past no-login-7d',
    'edge-login-1d logins-1d-1',
    'edge-login-90min logins-1d-1',
    'edge-login-90min recent-login',
    'edge-signup-30d joined-30d',
    'edge-signup-30d onboarding-stalled',
    'edge-signup-7d joined-30d',
    'edge-signup-7d joined-7d',
    'edge-signup-7d onboarding-stalled',
  ]);
});

it('counts every benchmark segment alike in Strata, plain SQL on PostgreSQL and DuckDB, and set-based SQL on DuckDB', async () => {
  const strata = await countWithStrata(database.db, workspace.id, at);
  const keys = Object.keys(strata);
  expect(keys).toHaveLength(54);
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
  await expect(runSetBasedOnDuckDb(duck.connection, ['active', 'no-such-segment'], workspace.id, at)).rejects.toThrow(
    /no set-based DuckDB SQL written for segment no-such-segment/,
  );
});
