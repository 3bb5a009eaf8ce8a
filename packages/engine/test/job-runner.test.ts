import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { enqueue, JobRunner, type Task } from '@strata/engine';
import { listJobs, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
const runners: JobRunner[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const runner of runners) await runner.stop();
  await database.drop();
});

const payload = z.object({ workspaceId: z.string(), n: z.number() });
const services = { post: () => Promise.reject(new Error('no network in this test')) };

async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A task that records each run and how many of its runs overlapped at most. */
function overlapTask(name: string, singleton: boolean) {
  const state = { runs: [] as number[], running: 0, mostAtOnce: 0 };
  const task: Task<z.infer<typeof payload>> = {
    name,
    payload,
    singleton,
    async run({ n }) {
      state.running += 1;
      state.mostAtOnce = Math.max(state.mostAtOnce, state.running);
      await sleep(150);
      state.runs.push(n);
      state.running -= 1;
    },
  };
  return { task, state };
}

async function startRunner(tasks: Record<string, Task<z.infer<typeof payload>>>): Promise<JobRunner> {
  const runner = new JobRunner({ db: database.db, pool: database.pool, now: () => new Date(), tasks, concurrency: 4, services });
  await runner.start();
  runners.push(runner);
  return runner;
}

it('runs a job only when the transaction that queued it commits', async () => {
  const workspaceId = randomUUID();
  const { task, state } = overlapTask('commit-only', false);
  await startRunner({ [task.name]: task });
  await database.db
    .transaction()
    .execute(async (tx) => {
      await enqueue(tx, task, { workspaceId, n: 1 });
      throw new Error('the change that caused it failed');
    })
    .catch(() => undefined);
  await database.db.transaction().execute((tx) => enqueue(tx, task, { workspaceId, n: 2 }));
  await until('the committed job', () => state.runs.length === 1);
  await sleep(300);
  expect(state.runs).toEqual([2]);
  expect(
    await listJobs(
      workspaceScope(database.db, workspaceId, () => new Date()),
      { limit: 10 },
    ),
  ).toEqual([]); // finished jobs are gone
});

it('runs a singleton task one job at a time across two runners, and an ordinary task in parallel', async () => {
  const workspaceId = randomUUID();
  const single = overlapTask('one-at-a-time', true);
  const parallel = overlapTask('many-at-once', false);
  const tasks = { [single.task.name]: single.task, [parallel.task.name]: parallel.task };
  // Two runners stand for two processes sharing the database.
  await startRunner(tasks);
  await startRunner(tasks);
  await database.db.transaction().execute(async (tx) => {
    for (let n = 0; n < 6; n++) {
      await enqueue(tx, single.task, { workspaceId, n });
      await enqueue(tx, parallel.task, { workspaceId, n });
    }
  });
  await until('every job', () => single.state.runs.length === 6 && parallel.state.runs.length === 6);
  expect(single.state.mostAtOnce).toBe(1);
  expect(single.state.runs).toEqual([0, 1, 2, 3, 4, 5]); // one queue: in order
  expect(parallel.state.mostAtOnce).toBeGreaterThan(1);
});

it('retries a failing job with backoff and keeps it as dead after its last attempt', async () => {
  const workspaceId = randomUUID();
  const attempts: Array<{ attempt: number; lastAttempt: boolean; at: number }> = [];
  const failing: Task<z.infer<typeof payload>> = {
    name: 'always-fails',
    payload,
    maxAttempts: 2,
    run(_payload, context) {
      attempts.push({ attempt: context.attempt, lastAttempt: context.lastAttempt, at: Date.now() });
      return Promise.reject(new Error('receiver down'));
    },
  };
  await startRunner({ [failing.name]: failing });
  await database.db.transaction().execute((tx) => enqueue(tx, failing, { workspaceId, n: 1 }));
  await until('both attempts', () => attempts.length === 2, 30_000);
  expect(attempts.map((a) => [a.attempt, a.lastAttempt])).toEqual([
    [1, false],
    [2, true],
  ]);
  // graphile-worker waits e^1 s before the second attempt.
  expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThan(2000);
  await until(
    'the dead job in the view',
    async () =>
      (
        await listJobs(
          workspaceScope(database.db, workspaceId, () => new Date()),
          { state: 'dead', limit: 10 },
        )
      ).length === 1,
  );
  const [dead] = await listJobs(
    workspaceScope(database.db, workspaceId, () => new Date()),
    { state: 'dead', limit: 10 },
  );
  expect(dead).toMatchObject({ task: 'always-fails', attempts: 2, maxAttempts: 2, state: 'dead' });
  expect(dead!.lastError).toContain('receiver down');
  // Another workspace's view does not show it.
  expect(
    await listJobs(
      workspaceScope(database.db, randomUUID(), () => new Date()),
      { limit: 10 },
    ),
  ).toEqual([]);
}, 40_000);

it('refuses a stored payload that no longer fits its task, and retries it like any failure', async () => {
  const workspaceId = randomUUID();
  const { task, state } = overlapTask('strict-payload', false);
  await startRunner({ [task.name]: task });
  await database.db.transaction().execute((tx) =>
    // A payload written by an older version of the task (n was a string then).
    enqueue(tx, { ...task, maxAttempts: 1, payload: z.any() }, { workspaceId, n: 'one' }),
  );
  await until(
    'the dead job',
    async () =>
      (
        await listJobs(
          workspaceScope(database.db, workspaceId, () => new Date()),
          { state: 'dead', limit: 10 },
        )
      ).length === 1,
  );
  const [dead] = await listJobs(
    workspaceScope(database.db, workspaceId, () => new Date()),
    { state: 'dead', limit: 10 },
  );
  expect(dead!.lastError).toContain('invalid payload');
  expect(state.runs).toEqual([]);
});
