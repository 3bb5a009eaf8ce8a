import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { exited, type StrataProcess, type StrataWorkerProcess } from '../../../../test-support/strata-process.js';
import {
  connectToDatabase,
  createSegments,
  createWebhook,
  expectLiveMembershipEqualsRecompute,
  expectOneDeliveryPerChange,
  keys,
  phaseSize,
  startStrata,
  startWorker,
  stopOrphanedPostmaster,
  waitUntil,
  waitUntilQuiet,
} from './harness/strata-under-test.js';
import { WebhookReceiver } from './harness/webhook-receiver.js';
import { MembershipWorkload, membershipSegments, seedMembershipFields } from './harness/workloads.js';

// kill -9 of a process while it has webhook deliveries in flight at a slow receiver (each request
// held 300 ms): the worker in one case, the `strata start` that owns the embedded PostgreSQL in
// the other. After a restart and once quiet, every change was delivered under one webhook-id of its
// own; the deliveries cut off by the kill arrived again under the same id (at-least-once).

let dataDir: string;
let receiver: WebhookReceiver | undefined;
const started: StrataWorkerProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'strata-reliability-'));
});
afterEach(async () => {
  for (const running of started.splice(0)) {
    running.child.kill('SIGKILL');
    await exited(running.child);
  }
  await receiver?.close();
  receiver = undefined;
  await stopOrphanedPostmaster(dataDir);
  await rm(dataDir, { recursive: true, force: true });
});

const env = { STRATA_ALLOW_PRIVATE_WEBHOOKS: 'true' };

/** A start and a worker, the segments, a webhook to a slow receiver, and traffic that keeps flowing. */
async function setUp() {
  const processes: { strata: StrataProcess; worker: StrataWorkerProcess } = {
    strata: await startStrata(dataDir, env),
    worker: await startWorker(dataDir, env),
  };
  started.push(processes.strata, processes.worker);
  const live = (receiver = await WebhookReceiver.start({ delayMs: 300, watchedPids: () => started.map((p) => p.child.pid!) }));
  await seedMembershipFields(processes.strata.url, keys);
  await createSegments(processes.strata.url, membershipSegments);
  const webhook = { key: 'crm', secret: await createWebhook(processes.strata.url, 'crm', live.url) };
  const workload = new MembershipWorkload(keys, 2);
  workload.start(() => processes.strata.url);
  return { processes, receiver: live, webhook, workload };
}

/**
 * kill -9 of `victim` the moment it has deliveries in flight; answers their webhook-ids. The ids are
 * read and the signal sent in one synchronous step: the receiver answers from this process's event
 * loop, so none of them can be answered in between.
 */
async function killWithDeliveriesInFlight(live: WebhookReceiver, victim: StrataWorkerProcess): Promise<string[]> {
  let inFlight: string[] = [];
  await waitUntil('the process has deliveries in flight', () => {
    inFlight = live.inFlightFrom(victim.child.pid!);
    if (inFlight.length > 0) victim.child.kill('SIGKILL');
    return inFlight.length > 0;
  });
  await exited(victim.child);
  return inFlight;
}

async function expectEverythingDeliveredOnce(
  url: () => string,
  live: WebhookReceiver,
  webhook: { key: string; secret: string },
  cutOff: string[],
  label: string,
) {
  const database = await connectToDatabase(dataDir);
  try {
    await waitUntilQuiet(url, database);
    await expectLiveMembershipEqualsRecompute(
      dataDir,
      membershipSegments.map((s) => s.key),
    );
    const counts = await expectOneDeliveryPerChange(database, live, webhook);
    console.info(
      `${label}: ${counts.changes} changes, ${counts.raw} deliveries received, ${counts.distinct} distinct webhook-ids; ${cutOff.length} cut off by the kill`,
    );
    // What the kill cut off was sent again, under the same id.
    expect(cutOff.map((id) => ({ id, again: live.arrivalsOf(id) > 1 }))).toEqual(cutOff.map((id) => ({ id, again: true })));
  } finally {
    await database.end();
  }
}

it('kill -9 of a worker with deliveries in flight: a restarted worker and the start deliver every change, cut-off ones again under the same webhook-id', async () => {
  const { processes, receiver: live, webhook, workload } = await setUp();
  const cutOff = await killWithDeliveriesInFlight(live, processes.worker);
  started.push((processes.worker = await startWorker(dataDir, env)));
  const afterRestart = workload.acknowledged();
  await waitUntil('traffic is acknowledged after the restart', () => workload.acknowledged() >= afterRestart + phaseSize);
  await workload.stop();
  await workload.resendUnacknowledged(processes.strata.url);
  expect(workload.unexpectedAnswers()).toEqual([]);

  await expectEverythingDeliveredOnce(() => processes.strata.url, live, webhook, cutOff, 'kill -9 of the worker');
}, 180_000);

it('kill -9 of the start with deliveries in flight: the next start takes over the embedded PostgreSQL, the worker follows, every change is delivered', async () => {
  const { processes, receiver: live, webhook, workload } = await setUp();
  // The next start stops the orphaned postmaster before it starts its own. Doing that step here,
  // with every delivery held at the receiver until PostgreSQL is gone, makes sure the worker
  // finishes jobs while the database is away: it must say so and go on, not crash.
  live.hold();
  const pids = [processes.strata.child.pid!, processes.worker.child.pid!];
  await waitUntil('both processes have deliveries in flight', () => pids.every((pid) => live.inFlightFrom(pid).length > 0));
  const cutOff = live.inFlightFrom(processes.strata.child.pid!);
  processes.strata.child.kill('SIGKILL');
  await exited(processes.strata.child);
  await stopOrphanedPostmaster(dataDir);
  const releasedAt = processes.worker.output.length;
  live.release();
  await waitUntil(
    'the worker failed to record a delivery while PostgreSQL was away',
    () =>
      processes.worker.output.slice(releasedAt).some((line) => line.includes('Failed task')) || processes.worker.child.exitCode !== null,
  );
  started.push((processes.strata = await startStrata(dataDir, env)));
  const arrivedBefore = live.arrivals.length;
  const afterRestart = workload.acknowledged();
  await waitUntil('traffic is acknowledged after the restart', () => workload.acknowledged() >= afterRestart + phaseSize);
  // The worker keeps working, on the PostgreSQL the new start brought up: while traffic still
  // makes changes, it delivers some of them. (Waited for, not read once: the worker reconnects
  // after a backoff, and on a busy machine the new start can take every job until then; CI once
  // saw it take more than 60 s. On a timeout, the worker's last lines say what it was doing.)
  await waitUntil(
    'the worker delivers again after the restart',
    () => live.arrivals.slice(arrivedBefore).some((a) => a.senderPid === processes.worker.child.pid),
    120_000,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; the worker's last lines:\n${processes.worker.output.slice(-20).join('\n')}`);
  });
  await workload.stop();
  await workload.resendUnacknowledged(processes.strata.url);
  expect(workload.unexpectedAnswers()).toEqual([]);

  await expectEverythingDeliveredOnce(() => processes.strata.url, live, webhook, cutOff, 'kill -9 of the start');
  expect(processes.worker.child.exitCode, processes.worker.output.slice(-15).join('\n')).toBeNull();
}, 240_000);
