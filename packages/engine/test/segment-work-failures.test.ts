import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSegmentMessages } from '@strata/core';
import { createSegment, ingestMessages, LiveSegmentWorker, retrySegment, SegmentEngine, sweepTime, updateSegment } from '@strata/engine';
import {
  createWorkspace,
  enqueueSegmentWork,
  ensureEventPartitions,
  findMemberships,
  findProfileId,
  findSegment,
  insertSegment,
  insertSegmentVersion,
  listSegmentVersions,
  readWorkFailures,
  workRetryPolicy,
  workspaceScope,
} from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
let nowMs = Date.UTC(2026, 2, 10, 12);
const now = () => new Date(nowMs);

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-02', '2026-03', '2026-04']);
});
afterAll(async () => {
  await database.drop();
});

let slug = 0;
async function workspace(): Promise<string> {
  return (await createWorkspace(database.db, { slug: `failures-${slug++}` })).id;
}

async function ingest(workspaceId: string, raw: Array<Record<string, unknown>>): Promise<void> {
  const parsed = parseSegmentMessages(raw.map((m) => ({ timestamp: now().toISOString(), ...m })));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  await ingestMessages(workspaceScope(database.db, workspaceId, now), { messages: parsed.messages, receivedAt: now() });
}

/** Makes the traits the rules name known to the workspace (rules may name only known fields), with nothing left queued. */
async function seed(workspaceId: string): Promise<void> {
  await ingest(workspaceId, [{ type: 'identify', userId: 'seed', traits: { plan: 'free', score: 1 } }]);
  await new LiveSegmentWorker({ db: database.db, now }).drain();
}

async function create(workspaceId: string, key: string, rule: string, options: { statementTimeoutMs?: number } = {}) {
  const outcome = await createSegment(
    workspaceScope(database.db, workspaceId, now),
    { key, name: key, target: 'person', rule },
    { ...options },
  );
  expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
}

/**
 * Makes a segment's stored rule (`score > 5`) one that PostgreSQL refuses at run time: a number
 * operand that is not a number, as a bug or an older checker could have stored. The driver's
 * message for it quotes the value, which must never reach what is stored or logged.
 */
const refusedRule = (rule: unknown) => JSON.parse(JSON.stringify(rule).replace('"operands":[5]', '"operands":["secret-oops"]')) as never;
async function poison(workspaceId: string, key: string): Promise<void> {
  const updated = await sql`
    UPDATE segment_versions SET rule = replace(rule::text, '"operands": [5]', '"operands": ["secret-oops"]')::jsonb
    WHERE workspace_id = ${workspaceId} AND segment_key = ${key} AND rule::text LIKE '%"operands": [5]%'`.execute(database.owner);
  expect(Number(updated.numAffectedRows)).toBe(1);
}

async function isMember(workspaceId: string, key: string, userId: string): Promise<boolean> {
  const id = await findProfileId(workspaceScope(database.db, workspaceId, now), 'person', userId);
  if (!id) return false;
  return (await findMemberships(workspaceScope(database.db, workspaceId, now), [id])).get(key)?.has(id) ?? false;
}

async function queued(workspaceId: string) {
  return (
    await sql<{ attempts: number; failed_segment: string | null; last_error: string | null; next_attempt_at: Date }>`
      SELECT attempts, failed_segment, last_error, next_attempt_at FROM segment_work WHERE workspace_id = ${workspaceId} ORDER BY work_id`.execute(
      database.owner,
    )
  ).rows;
}

/** Holds an exclusive lock on the events table from another connection, so every statement reading events waits. */
async function lockEvents(): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('BEGIN');
  // Event rules read the event summaries, kept from the events: lock both.
  await client.query('LOCK TABLE events, event_summaries IN ACCESS EXCLUSIVE MODE');
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await client.query('ROLLBACK');
    await client.end();
  };
  // Without a statement timeout the code under test would wait forever: let it go eventually, so the test fails rather than hangs.
  setTimeout(() => void release(), 5000);
  return { release };
}

describe('failing segment work', () => {
  it('fails alone, backs off, parks with its error, and is retried when the rule changes', async () => {
    const ws = await workspace();
    await seed(ws);
    await create(ws, 'pros', 'plan = "pro"');
    await create(ws, 'scored', 'score > 5');
    await poison(ws, 'scored');
    const worker = new LiveSegmentWorker({ db: database.db, now });

    await ingest(ws, [{ type: 'identify', userId: 'secret-user-7', traits: { plan: 'pro', score: 9 } }]);
    expect(await worker.processBatch()).toBe(1);
    // The healthy segment of the same profile was applied; the failing one waits for its retry.
    expect(await isMember(ws, 'pros', 'secret-user-7')).toBe(true);
    const work = await queued(ws);
    expect(work).toHaveLength(1);
    expect(work[0]).toMatchObject({ attempts: 1, failed_segment: 'scored' });
    expect(work[0]!.next_attempt_at.getTime()).toBe(nowMs + 1000);
    expect(work[0]!.last_error).toMatch(/^SQLSTATE 22P02/);
    expect(work[0]!.last_error).not.toMatch(/secret/);

    // Not retried in a hot loop: nothing is ready until the backoff has passed.
    expect(await worker.processBatch()).toBe(0);

    const delays: number[] = [];
    for (let attempt = 2; attempt <= workRetryPolicy.maxAttempts; attempt++) {
      const wait = (await queued(ws))[0]!.next_attempt_at.getTime() - nowMs;
      delays.push(wait);
      nowMs += wait;
      expect(await worker.processBatch()).toBe(1);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000]);
    expect(await queued(ws)).toEqual([]);
    const failing = await readWorkFailures(workspaceScope(database.db, ws, now), 'scored');
    expect(failing).toMatchObject({ parked: 1, retrying: 0, lastError: expect.stringMatching(/^SQLSTATE 22P02/) as unknown });
    expect(failing.lastError).not.toMatch(/secret/);
    expect(await readWorkFailures(workspaceScope(database.db, ws, now), 'pros')).toMatchObject({ parked: 0, retrying: 0, lastError: null });

    // A new rule: the parked work is queued again and decided under it.
    const edited = await updateSegment(workspaceScope(database.db, ws, now), 'scored', { rule: 'score > 3' }, {});
    expect(edited.ok).toBe(true);
    expect(await isMember(ws, 'scored', 'secret-user-7')).toBe(true);
    expect((await readWorkFailures(workspaceScope(database.db, ws, now), 'scored')).parked).toBe(0);
    await worker.drain();
    expect(await isMember(ws, 'scored', 'secret-user-7')).toBe(true);
  });

  it('queues parked work again on request (strata segments retry), once what failed has passed', async () => {
    const ws = await workspace();
    await seed(ws);
    await create(ws, 'scored', 'score > 5');
    await poison(ws, 'scored');
    const worker = new LiveSegmentWorker({ db: database.db, now });
    await ingest(ws, [{ type: 'identify', userId: 'u1', traits: { score: 9 } }]);
    for (let attempt = 1; attempt <= workRetryPolicy.maxAttempts; attempt++) {
      await worker.drain();
      nowMs += workRetryPolicy.maxDelayMs;
    }
    expect(await readWorkFailures(workspaceScope(database.db, ws, now), 'scored')).toMatchObject({ parked: 1, retrying: 0 });
    // What failed passes (here: the stored rule is repaired); the parked work waits until asked.
    await sql`UPDATE segment_versions SET rule = replace(rule::text, '"operands": ["secret-oops"]', '"operands": [5]')::jsonb
      WHERE workspace_id = ${ws} AND segment_key = 'scored'`.execute(database.owner);
    expect(await worker.drain()).toBe(0);
    expect(await retrySegment(workspaceScope(database.db, ws, now), 'scored')).toEqual({
      ok: true,
      value: { requeued: 1, backfill: false },
    });
    await worker.drain();
    expect(await isMember(ws, 'scored', 'u1')).toBe(true);
    expect(await readWorkFailures(workspaceScope(database.db, ws, now), 'scored')).toMatchObject({ parked: 0, retrying: 0 });
  });

  it('runs every statement under the statement timeout; a timeout is a failure of that segment only', async () => {
    const ws = await workspace();
    await create(ws, 'logged-in', 'did "login"');
    await create(ws, 'pros', 'plan = "pro"');
    await ingest(ws, [
      { type: 'identify', userId: 'u1', traits: { plan: 'pro' } },
      { type: 'track', userId: 'u1', event: 'login' },
    ]);
    const worker = new LiveSegmentWorker({ db: database.db, now, statementTimeoutMs: 300 });
    const lock = await lockEvents();
    try {
      expect(await worker.processBatch()).toBe(1);
      expect(await isMember(ws, 'pros', 'u1')).toBe(true);
      // Given up on after the timeout, not waited for.
      expect(await isMember(ws, 'logged-in', 'u1')).toBe(false);
      const work = await queued(ws);
      expect(work).toHaveLength(1);
      expect(work[0]).toMatchObject({ attempts: 1, failed_segment: 'logged-in' });
      expect(work[0]!.last_error).toMatch(/^SQLSTATE 57014: statement timeout/);
    } finally {
      await lock.release();
    }
    nowMs += 1000;
    expect(await worker.processBatch()).toBe(1);
    expect(await isMember(ws, 'logged-in', 'u1')).toBe(true);
    expect(await queued(ws)).toEqual([]);
  });
});

describe('fair scheduling', () => {
  it("serves a workspace's new work within a turn, however deep another's backlog", async () => {
    const deep = await workspace();
    const fresh = await workspace();
    await create(deep, 'anything', 'plan = "pro"');
    await create(fresh, 'pros', 'plan = "pro"');
    const backlog = Array.from({ length: 3000 }, () => ({
      target: 'person' as const,
      profileId: crypto.randomUUID(),
      topics: ['*'],
      cause: { kind: 'recompute' as const },
    }));
    await enqueueSegmentWork(workspaceScope(database.db, deep, now), backlog);
    await ingest(fresh, [{ type: 'identify', userId: 'newcomer', traits: { plan: 'pro' } }]);

    const worker = new LiveSegmentWorker({ db: database.db, now, batchSize: 500 });
    const claims = [await worker.processBatch(), await worker.processBatch()];
    expect(await isMember(fresh, 'pros', 'newcomer')).toBe(true);
    // One turn of the deep backlog at most, then the other workspace.
    expect(claims.sort((a, b) => a - b)).toEqual([1, 500]);
    expect(
      Number(
        (await sql<{ n: string }>`SELECT count(*) AS n FROM segment_work WHERE workspace_id = ${deep}`.execute(database.owner)).rows[0]!.n,
      ),
    ).toBe(2500);
    await worker.drain();
  });

  it("never lets one workspace's failing work hold back another's", async () => {
    const failing = await workspace();
    const healthy = await workspace();
    await seed(failing);
    await create(failing, 'scored', 'score > 5');
    await poison(failing, 'scored');
    await create(healthy, 'pros', 'plan = "pro"');
    await ingest(
      failing,
      Array.from({ length: 20 }, (_, i) => ({ type: 'identify', userId: `f${i}`, traits: { score: 9 } })),
    );
    const worker = new LiveSegmentWorker({ db: database.db, now, batchSize: 5 });
    expect(await worker.processBatch()).toBe(5);
    await ingest(healthy, [{ type: 'identify', userId: 'h1', traits: { plan: 'pro' } }]);
    await worker.processBatch();
    await worker.processBatch();
    expect(await isMember(healthy, 'pros', 'h1')).toBe(true);
    await worker.drain();
    // Everything of the failing workspace was tried once and now waits for its backoff.
    expect((await readWorkFailures(workspaceScope(database.db, failing, now), 'scored')).retrying).toBe(20);
    expect(await worker.processBatch()).toBe(0);
  });
});

describe('time sweeps', () => {
  it("sweep every workspace even when one's rule fails", async () => {
    const broken = await workspace();
    const fine = await workspace();
    await create(broken, 'solving', 'count(tickets where solved_at within last 7 days) >= 5');
    await poison(broken, 'solving');
    await ingest(fine, [{ type: 'track', userId: 'u1', event: 'login' }]);
    await create(fine, 'recent', 'did "login" within last 1 days');
    expect(await isMember(fine, 'recent', 'u1')).toBe(true);
    nowMs += 2 * 86_400_000;
    const failed: string[] = [];
    await sweepTime(database.db, now(), { onError: (_error, workspaceId) => failed.push(workspaceId) });
    expect(failed).toEqual([broken]);
    await new LiveSegmentWorker({ db: database.db, now }).drain();
    expect(await isMember(fine, 'recent', 'u1')).toBe(false);
  });
});

describe('backfills', () => {
  it('resume independently: one failing backfill records its error and backs off, the others finish', async () => {
    const broken = await workspace();
    const fine = await workspace();
    await seed(broken);
    await create(broken, 'scored', 'score > 5');
    await create(fine, 'pros', 'plan = "pro"');
    await ingest(broken, [{ type: 'identify', userId: 'b1', traits: { score: 9 } }]);
    await ingest(fine, [{ type: 'identify', userId: 'g1', traits: { plan: 'pro' } }]);
    // Versions left building by a process that stopped: the broken one first in line.
    const [first] = await listSegmentVersions(workspaceScope(database.db, broken, now), 'scored');
    await insertSegmentVersion(workspaceScope(database.db, broken, now), 'scored', 2, refusedRule(first!.rule), first!.text);
    const [pros] = await listSegmentVersions(workspaceScope(database.db, fine, now), 'pros');
    await insertSegmentVersion(workspaceScope(database.db, fine, now), 'pros', 2, pros!.rule, pros!.text);

    const logged: string[] = [];
    const upkeep = async () => {
      const engine = new SegmentEngine({ db: database.db, now, workers: 0, sweepIntervalMs: 3_600_000, log: (_l, m) => logged.push(m) });
      await engine.start();
      await engine.stop();
    };
    await upkeep();
    expect((await listSegmentVersions(workspaceScope(database.db, fine, now), 'pros'))[0]).toMatchObject({ version: 2, state: 'active' });
    const failed = (await listSegmentVersions(workspaceScope(database.db, broken, now), 'scored'))[0]!;
    expect(failed).toMatchObject({ version: 2, state: 'building', backfillAttempts: 1 });
    expect(failed.backfillLastError).toMatch(/^SQLSTATE 22P02/);
    expect(failed.backfillNextAttemptAt?.getTime()).toBe(nowMs + 1000);

    // Not again before its backoff has passed; once it has, one more attempt.
    await upkeep();
    expect((await listSegmentVersions(workspaceScope(database.db, broken, now), 'scored'))[0]!.backfillAttempts).toBe(1);
    nowMs += 1000;
    await upkeep();
    expect((await listSegmentVersions(workspaceScope(database.db, broken, now), 'scored'))[0]!.backfillAttempts).toBe(2);
    expect(logged).toContain('resumed backfill failed; retrying with backoff');
  });
});

describe('creating a segment', () => {
  it('is whole or nothing: a version that cannot be stored leaves no segment behind', async () => {
    const ws = await workspace();
    // The checker refuses NUL in rule text; this is the IR as any writer might hand it to storage.
    const insert = insertSegment(workspaceScope(database.db, ws, now), {
      key: 'nul',
      name: 'nul',
      description: '',
      target: 'person',
      predefined: false,
      rule: { target: 'person', version: 1, note: 'a\u0000b' } as never,
      text: 'plan = "a"',
    });
    await expect(insert).rejects.toThrow();
    expect(await findSegment(workspaceScope(database.db, ws, now), 'nul')).toBeUndefined();
  });

  it('answers the failure of its first backfill and keeps nothing', async () => {
    const ws = await workspace();
    await ingest(ws, [{ type: 'track', userId: 'u1', event: 'login' }]);
    const lock = await lockEvents();
    let outcome: Awaited<ReturnType<typeof createSegment>>;
    try {
      outcome = await createSegment(
        workspaceScope(database.db, ws, now),
        { key: 'logged-in', name: 'Logged in', target: 'person', rule: 'did "login"' },
        { statementTimeoutMs: 300 },
      );
    } finally {
      await lock.release();
    }
    expect(outcome).toMatchObject({ ok: false, problem: { code: 'evaluation-failed', key: 'logged-in' } });
    expect(outcome.ok ? '' : (outcome.problem as { error: string }).error).toMatch(/^SQLSTATE 57014/);
    expect(await findSegment(workspaceScope(database.db, ws, now), 'logged-in')).toBeUndefined();
  });
});
