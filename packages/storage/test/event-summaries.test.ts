import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createWorkspace,
  ensureEventPartitions,
  inWorkspaceTransaction,
  movePerson,
  pruneEventSummaries,
  rebuildEventSummaries,
  summaryHorizonDays,
  workspaceScope,
} from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2025-01', '2025-08', '2026-01', '2026-02', '2026-03']);
});
afterAll(async () => {
  await database.drop();
});

const now = Date.UTC(2026, 2, 1);
const dayMs = 86_400_000;
// Few distinct instants, so that equal times (ties at a window's edge) are common; some beyond the horizon.
const instant = fc.oneof(
  fc.integer({ min: -40, max: 2 }).map((d) => now + d * dayMs),
  fc.integer({ min: -3 * 24, max: 0 }).map((h) => now + h * 3_600_000 + 1),
  fc.constantFrom(now - (summaryHorizonDays + 20) * dayMs, now - 200 * dayMs),
);
const eventArb = fc.record({ person: fc.integer({ min: 0, max: 2 }), name: fc.constantFrom('login', 'export'), at: instant });
/** Inserts in several statements, in any order: each statement fires the trigger once. */
const batchesArb = fc.array(fc.array(eventArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });
const windowArb = fc.tuple(instant, instant).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

interface Summary {
  person: string;
  name: string;
  count: number;
  first: number;
  last: number;
  times: number[];
}

let run = 0;
async function workspaceWithPeople(count: number) {
  const workspace = await createWorkspace(database.db, { slug: `summaries-${run++}` });
  const scope = workspaceScope(database.db, workspace.id, () => new Date(now));
  const people = Array.from({ length: count }, () => randomUUID());
  await scope.db
    .insertInto('people')
    .values(
      people.map((id) => ({
        workspace_id: workspace.id,
        person_id: id,
        traits: '{}',
        trait_times: '{}',
        first_seen_at: new Date(now).toISOString(),
        last_seen_at: new Date(now).toISOString(),
      })),
    )
    .execute();
  return { scope, people };
}

async function insertEvents(
  scope: ReturnType<typeof workspaceScope>,
  people: string[],
  batch: Array<{ person: number; name: string; at: number }>,
) {
  await scope.db
    .insertInto('events')
    .values(
      batch.map((e) => ({
        workspace_id: scope.workspaceId,
        message_id: randomUUID(),
        type: 'track' as const,
        name: e.name,
        person_id: people[e.person]!,
        properties: '{}',
        timestamp: new Date(e.at).toISOString(),
        received_at: new Date(now).toISOString(),
      })),
    )
    .execute();
}

async function readSummaries(scope: ReturnType<typeof workspaceScope>): Promise<Summary[]> {
  const rows = await sql<{ person_id: string; name: string; count: string; first_at: Date; last_at: Date; times: Date[] }>`
    SELECT person_id, name, count, first_at, last_at, times FROM event_summaries WHERE workspace_id = ${scope.workspaceId}`.execute(
    scope.db,
  );
  return rows.rows
    .map((r) => ({
      person: r.person_id,
      name: r.name,
      count: Number(r.count),
      first: r.first_at.getTime(),
      last: r.last_at.getTime(),
      times: r.times.map((t) => t.getTime()),
    }))
    .sort((a, b) => `${a.person}${a.name}`.localeCompare(`${b.person}${b.name}`));
}

/** The summaries as computed here from the raw events: what the trigger must have kept. */
async function expectedFromEvents(scope: ReturnType<typeof workspaceScope>): Promise<Summary[]> {
  const rows = await scope.db
    .selectFrom('events')
    .select(['person_id', 'name', 'timestamp'])
    .where('workspace_id', '=', scope.workspaceId)
    .execute();
  const groups = new Map<string, Summary>();
  for (const row of rows) {
    const key = `${row.person_id}${row.name}`;
    const at = row.timestamp.getTime();
    const group = groups.get(key) ?? { person: row.person_id!, name: row.name, count: 0, first: at, last: at, times: [] };
    group.count++;
    group.first = Math.min(group.first, at);
    group.last = Math.max(group.last, at);
    group.times.push(at);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, times: g.times.sort((a, b) => a - b) }))
    .sort((a, b) => `${a.person}${a.name}`.localeCompare(`${b.person}${b.name}`));
}

/** What the window functions answer on one summary, next to the same computed from its list of times. */
async function windowReads(scope: ReturnType<typeof workspaceScope>, summary: Summary, [lo, hi]: [number, number]) {
  const row = await sql<{ count: number; first: Date | null; last: Date | null }>`
    SELECT strata_count_times(times, ${new Date(lo).toISOString()}::timestamptz, ${new Date(hi).toISOString()}::timestamptz) AS count,
      strata_first_time(times, ${new Date(lo).toISOString()}::timestamptz, ${new Date(hi).toISOString()}::timestamptz) AS first,
      strata_last_time(times, ${new Date(lo).toISOString()}::timestamptz, ${new Date(hi).toISOString()}::timestamptz) AS last
    FROM event_summaries WHERE workspace_id = ${scope.workspaceId} AND person_id = ${summary.person} AND name = ${summary.name}`.execute(
    scope.db,
  );
  const inside = summary.times.filter((t) => t >= lo && t <= hi);
  return {
    actual: { count: row.rows[0]!.count, first: row.rows[0]!.first?.getTime() ?? null, last: row.rows[0]!.last?.getTime() ?? null },
    expected: { count: inside.length, first: inside[0] ?? null, last: inside.at(-1) ?? null },
  };
}

it('keeps each person and event name summarised exactly as the raw events say, whatever the order and batching of inserts', async () => {
  await fc.assert(
    fc.asyncProperty(batchesArb, fc.array(windowArb, { minLength: 1, maxLength: 4 }), async (batches, windows) => {
      const { scope, people } = await workspaceWithPeople(3);
      for (const batch of batches) await insertEvents(scope, people, batch);
      const summaries = await readSummaries(scope);
      expect(summaries).toEqual(await expectedFromEvents(scope));
      for (const summary of summaries)
        for (const window of windows) {
          const { actual, expected } = await windowReads(scope, summary, window);
          expect(actual, JSON.stringify({ times: summary.times, window })).toEqual(expected);
        }
    }),
    { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 1000) / 4 },
  );
});

it("folds a merged person's summaries into the survivor's, and a rebuild from the events gives the same", async () => {
  await fc.assert(
    fc.asyncProperty(batchesArb, async (batches) => {
      const { scope, people } = await workspaceWithPeople(3);
      for (const batch of batches) await insertEvents(scope, people, batch);
      await inWorkspaceTransaction(scope, (tx) => movePerson(tx, people[1]!, people[0]!));
      const merged = await readSummaries(scope);
      expect(merged.some((s) => s.person === people[1])).toBe(false);
      expect(merged).toEqual(await expectedFromEvents(scope));
      await inWorkspaceTransaction(scope, (tx) => rebuildEventSummaries(tx, new Date(now)));
      const rebuilt = await readSummaries(scope);
      expect(rebuilt.map(({ times: _times, ...rest }) => rest)).toEqual(merged.map(({ times: _times, ...rest }) => rest));
    }),
    { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 1000) / 10 },
  );
});

it('prunes times past the horizon, still answers every window inside it, and takes late events in order', async () => {
  const { scope, people } = await workspaceWithPeople(1);
  const horizonStart = now - summaryHorizonDays * dayMs;
  const old = [horizonStart - 5 * dayMs, horizonStart - dayMs];
  const recent = [now - 3 * dayMs, now - dayMs];
  await insertEvents(
    scope,
    people,
    [...recent, ...old].map((at) => ({ person: 0, name: 'login', at })),
  );
  expect(await inWorkspaceTransaction(scope, (tx) => pruneEventSummaries(tx, new Date(now)))).toBe(1);
  // A late event older than the horizon counts, but is not listed; one inside it is listed in order.
  await insertEvents(scope, people, [
    { person: 0, name: 'login', at: horizonStart - 2 * dayMs },
    { person: 0, name: 'login', at: now - 2 * dayMs },
  ]);
  const [summary] = await readSummaries(scope);
  expect(summary).toMatchObject({ count: 6, first: old[0], last: recent[1], times: [now - 3 * dayMs, now - 2 * dayMs, now - dayMs] });
  const { actual, expected } = await windowReads(scope, summary!, [horizonStart, now]);
  expect(actual).toEqual(expected);
});

it('reads windows with functions PostgreSQL inlines, not calls once per row (migration 0021)', async () => {
  const plan = await sql<{ 'QUERY PLAN': string }>`
    EXPLAIN VERBOSE SELECT strata_count_times(times, now() - interval '30 days', now()),
      strata_first_time(times, now() - interval '30 days', now()), strata_last_time(times, now() - interval '30 days', now())
    FROM event_summaries`.execute(database.owner);
  const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
  expect(text).toContain('width_bucket');
  expect(text).not.toMatch(/strata_(count|first|last)_time/);
});
