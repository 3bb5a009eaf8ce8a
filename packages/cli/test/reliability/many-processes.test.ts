import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { exited, type StrataWorkerProcess } from '../../../../test-support/strata-process.js';
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

// One `strata start` and two `strata worker` processes on one embedded PostgreSQL share live
// segment evaluation, the change subscriber and webhook delivery while clients stream. When all is
// quiet, membership is what a full recompute says and each change reached the receiver exactly
// once per webhook (after dedupe by webhook-id), sent by more than one of the processes.

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
  await stopOrphanedPostmaster(dataDir);
  await rm(dataDir, { recursive: true, force: true });
});

it('one start and two workers on one embedded PostgreSQL: membership equals a recompute and every change is delivered once per webhook, by several processes', async () => {
  const env = { STRATA_ALLOW_PRIVATE_WEBHOOKS: 'true' };
  const strata = await startStrata(dataDir, env);
  started.push(strata);
  const workers = await Promise.all([startWorker(dataDir, env), startWorker(dataDir, env)]);
  started.push(...workers);
  const processes = { start: strata.child.pid!, 'worker 1': workers[0].child.pid!, 'worker 2': workers[1].child.pid! };
  receiver = await WebhookReceiver.start({ delayMs: 20, watchedPids: () => Object.values(processes) });

  await seedMembershipFields(strata.url, keys);
  await createSegments(strata.url, membershipSegments);
  const webhook = { key: 'crm', secret: await createWebhook(strata.url, 'crm', receiver.url) };
  const workload = new MembershipWorkload(keys, 3);
  workload.start(() => strata.url);
  await waitUntil(`${2 * phaseSize} messages are acknowledged`, () => workload.acknowledged() >= 2 * phaseSize);
  await workload.stop();

  const database = await connectToDatabase(dataDir);
  try {
    await workload.resendUnacknowledged(strata.url);
    await workload.verifyEverythingOnce(database);
    expect(workload.unexpectedAnswers()).toEqual([]);
    await waitUntilQuiet(() => strata.url, database);
    await expectLiveMembershipEqualsRecompute(
      dataDir,
      membershipSegments.map((s) => s.key),
    );
    const counts = await expectOneDeliveryPerChange(database, receiver, webhook);
    const bySender = receiver.arrivalsBySender();
    const byProcess = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, bySender.get(pid) ?? 0]));
    console.info(
      `many processes: ${counts.changes} changes, ${counts.raw} deliveries received, ${counts.distinct} distinct webhook-ids; by process ${JSON.stringify(byProcess)}`,
    );
    // Every delivery came from one of the three processes, and each of them delivered some.
    expect(bySender.get(undefined) ?? 0).toBe(0);
    expect(Object.values(byProcess).filter((n) => n > 0)).toHaveLength(3);
  } finally {
    await database.end();
  }
  expect([strata, ...workers].map((p) => p.child.exitCode)).toEqual([null, null, null]);
}, 180_000);
