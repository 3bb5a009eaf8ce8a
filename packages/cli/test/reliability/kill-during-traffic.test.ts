import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '@strata/storage';
import { exited, type StrataProcess } from '../../../../test-support/strata-process.js';
import {
  connectToDatabase,
  createLoginSegment,
  expectLiveMembershipEqualsRecompute,
  health,
  keys,
  phaseSize,
  postmasterPid,
  startStrata,
  stopOrphanedPostmaster,
  waitUntil,
} from './harness/strata-under-test.js';
import { standardWorkloads, type Workload } from './harness/workloads.js';

// kill -9 while clients stream: of the postmaster (Strata stays up and restarts it) and of the
// server (the next start takes over). Every workload must prove what it was acknowledged.

let dataDir: string;
const started: StrataProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'strata-reliability-'));
});
afterEach(async () => {
  for (const running of started.splice(0)) {
    running.child.kill('SIGKILL');
    await exited(running.child);
  }
  await stopOrphanedPostmaster(dataDir);
  await rm(dataDir, { recursive: true, force: true });
});

const total = (workloads: Workload[]) => workloads.reduce((sum, w) => sum + w.acknowledged(), 0);

async function verify(workloads: Workload[], url: string): Promise<void> {
  const database = await connectToDatabase(dataDir);
  try {
    for (const workload of workloads) await workload.verifyAcknowledged(database);
    for (const workload of workloads) await workload.resendUnacknowledged(url);
    for (const workload of workloads) await workload.verifyEverythingOnce(database);
    expect(workloads.flatMap((w) => w.unexpectedAnswers())).toEqual([]);
  } finally {
    await database.end();
  }
}

it('kill -9 of the postmaster while clients stream: Strata stays up, answers 503 with Retry-After, restarts PostgreSQL, loses nothing acknowledged', async () => {
  const strata = await startStrata(dataDir);
  started.push(strata);
  await createLoginSegment(strata.url);
  const workloads = standardWorkloads(keys);
  for (const workload of workloads) workload.start(() => strata.url);

  const healthSeen: Array<{ status: number; body: unknown }> = [];
  for (let round = 1; round <= 2; round++) {
    await waitUntil(`${round * phaseSize} items are acknowledged`, () => total(workloads) >= round * phaseSize);
    const restartsBefore = strata.output.filter((line) => line.includes('embedded PostgreSQL restarted')).length;
    process.kill(await postmasterPid(dataDir), 'SIGKILL');
    await waitUntil('Strata restarted its PostgreSQL', async () => {
      healthSeen.push(await health(strata.url));
      return strata.output.filter((line) => line.includes('embedded PostgreSQL restarted')).length > restartsBefore;
    });
    expect(strata.child.exitCode).toBeNull();
  }
  // Traffic resumes after the second restart.
  const afterRestart = total(workloads);
  await waitUntil('traffic is acknowledged again', () => total(workloads) >= afterRestart + phaseSize);
  for (const workload of workloads) await workload.stop();

  expect(strata.output.join('\n')).toMatch(/embedded PostgreSQL \(pid \d+\) exited unexpectedly/);
  expect(healthSeen).toContainEqual({
    status: 503,
    body: { status: 'unavailable', reason: expect.stringMatching(/^database unreachable: /) as unknown },
  });
  // The probe's answer is kept for a second, so a 503 seen during the restart may still be the
  // answer just after traffic resumed: wait for the fresh one.
  await waitUntil('health answers ok again', async () => (await health(strata.url)).status === 200);
  expect(await health(strata.url)).toEqual({ status: 200, body: { status: 'ok' } });
  expect(workloads.some((w) => w.unavailableAnswers() > 0)).toBe(true);
  await verify(workloads, strata.url);
  await expectLiveMembershipEqualsRecompute(dataDir);
}, 300_000);

it('kill -9 of the server while clients stream: the next start takes over and nothing acknowledged is lost or doubled', async () => {
  const first = await startStrata(dataDir);
  started.push(first);
  await createLoginSegment(first.url);
  let current = first;
  const workloads = standardWorkloads(keys);
  for (const workload of workloads) workload.start(() => current.url);

  await waitUntil(`${phaseSize} items are acknowledged`, () => total(workloads) >= phaseSize);
  first.child.kill('SIGKILL');
  await exited(first.child);
  current = await startStrata(dataDir);
  started.push(current);
  const afterRestart = total(workloads);
  await waitUntil('traffic is acknowledged again', () => total(workloads) >= afterRestart + phaseSize);
  for (const workload of workloads) await workload.stop();

  await verify(workloads, current.url);
  await expectLiveMembershipEqualsRecompute(dataDir);
}, 300_000);

it('an external PostgreSQL (DATABASE_URL) that shuts down fast and comes back: Strata answers 503 meanwhile and reconnects', async () => {
  // The test's own PostgreSQL, restarted by its supervisor in this process when it stops: to
  // Strata it is an external server that goes away (57P01 admin shutdown) and returns on the same port.
  // A folder of its own under the temporary folder: the \`postgres\` user (as root) must reach it.
  const externalDir = await mkdtemp(join(tmpdir(), 'strata-external-pg-'));
  const external = await startEmbeddedPostgres({ dataDir: externalDir, durability: 'fast' });
  try {
    const strata = await startStrata(join(dataDir, 'strata'), {
      DATABASE_URL: external.runtimeUrl,
      STRATA_MIGRATION_DATABASE_URL: external.url,
    });
    started.push(strata);
    await createLoginSegment(strata.url);
    const workloads = standardWorkloads(keys);
    for (const workload of workloads) workload.start(() => strata.url);
    await waitUntil(`${phaseSize} items are acknowledged`, () => total(workloads) >= phaseSize);
    const before = await postmasterPid(externalDir);
    process.kill(before, 'SIGINT');
    const healthSeen: Array<{ status: number; body: unknown }> = [];
    await waitUntil('the external PostgreSQL is back', async () => {
      healthSeen.push(await health(strata.url));
      const now = await postmasterPid(externalDir).catch(() => before);
      return now !== before && healthSeen.at(-1)?.status === 200;
    });
    const afterRestart = total(workloads);
    await waitUntil('traffic is acknowledged again', () => total(workloads) >= afterRestart + phaseSize);
    for (const workload of workloads) await workload.stop();

    expect(strata.child.exitCode).toBeNull();
    expect(healthSeen.some((h) => h.status === 503)).toBe(true);
    expect(workloads.some((w) => w.unavailableAnswers() > 0)).toBe(true);
    const database = await connectToDatabase(externalDir);
    try {
      for (const workload of workloads) await workload.verifyAcknowledged(database);
      for (const workload of workloads) await workload.resendUnacknowledged(strata.url);
      for (const workload of workloads) await workload.verifyEverythingOnce(database);
    } finally {
      await database.end();
    }
    expect(workloads.flatMap((w) => w.unexpectedAnswers())).toEqual([]);
    await expectLiveMembershipEqualsRecompute(externalDir);
  } finally {
    for (const running of started.splice(0)) {
      running.child.kill('SIGTERM');
      await exited(running.child);
    }
    await external.stop();
    await rm(externalDir, { recursive: true, force: true });
  }
}, 300_000);
