import { execFile } from 'node:child_process';
import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exited, type StrataProcess } from '../../../../test-support/strata-process.js';
import {
  connectToDatabase,
  createLoginSegment,
  expectLiveMembershipEqualsRecompute,
  keys,
  phaseSize,
  startStrata,
  waitUntil,
} from './harness/strata-under-test.js';
import { standardWorkloads } from './harness/workloads.js';

const run = promisify(execFile);

// The data folder lives on a small tmpfs of its own, which the test fills up while clients send.
// Mounting needs root (as in CI here); elsewhere the test is skipped and says why.
let mountPoint: string;
let mounted = false;
let whyNot = '';

beforeAll(async () => {
  mountPoint = await mkdtemp(join(tmpdir(), 'strata-full-disk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=160m,mode=0755', 'tmpfs', mountPoint]);
    mounted = true;
  } catch (error) {
    whyNot = `cannot mount a tmpfs here (${String(error).split('\n')[0]}); run as root to include the full-disk test`;
  }
});
afterAll(async () => {
  if (mounted) await run('umount', [mountPoint]).catch(() => run('umount', ['-l', mountPoint]));
  await rm(mountPoint, { recursive: true, force: true });
});

/** Writes zeros into `path` until the file system refuses: the disk is full. */
async function fillDisk(path: string): Promise<void> {
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    for (;;) await file.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await file.close().catch(() => undefined);
  }
  // Fill the last partial megabyte too.
  const rest = await open(path, 'a');
  try {
    for (;;) await rest.write(Buffer.alloc(4096));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await rest.close().catch(() => undefined);
  }
}

it('a full disk answers 503 with Retry-After, never a 2xx for what was not stored, and recovers when space returns', async (context) => {
  if (!mounted) context.skip(whyNot);
  const dataDir = join(mountPoint, 'data');
  const filler = join(mountPoint, 'filler');
  let strata: StrataProcess | undefined;
  try {
    strata = await startStrata(dataDir);
    const url = strata.url;
    await createLoginSegment(url);
    const workloads = standardWorkloads(keys);
    for (const workload of workloads) workload.start(() => url);
    const total = () => workloads.reduce((sum, w) => sum + w.acknowledged(), 0);

    await waitUntil(`${phaseSize} items are acknowledged`, () => total() >= phaseSize);
    await fillDisk(filler);
    await waitUntil('writes are refused with 503', () => workloads.every((w) => w.unavailableAnswers() > 0), 120_000);
    const refusedAt = total();
    // While the disk stays full, nothing more is acknowledged (a few requests may have been committed just before).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(total() - refusedAt).toBeLessThan(phaseSize);

    await rm(filler);
    const recoveredFrom = total();
    await waitUntil('traffic is acknowledged again', () => total() >= recoveredFrom + phaseSize, 180_000);
    for (const workload of workloads) await workload.stop();
    expect(strata.child.exitCode).toBeNull();

    const database = await connectToDatabase(dataDir);
    try {
      for (const workload of workloads) await workload.verifyAcknowledged(database);
      for (const workload of workloads) await workload.resendUnacknowledged(url);
      for (const workload of workloads) await workload.verifyEverythingOnce(database);
    } finally {
      await database.end();
    }
    expect(workloads.flatMap((w) => w.unexpectedAnswers())).toEqual([]);
    await expectLiveMembershipEqualsRecompute(dataDir);
  } finally {
    await rm(filler, { force: true });
    if (strata) {
      strata.child.kill('SIGTERM');
      await exited(strata.child);
    }
  }
}, 420_000);
