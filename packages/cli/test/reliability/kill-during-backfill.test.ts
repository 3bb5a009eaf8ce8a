import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exited, type StrataProcess } from '../../../../test-support/strata-process.js';
import {
  connectToDatabase,
  expectLiveMembershipEqualsRecompute,
  keys,
  phaseSize,
  startStrata,
  stopOrphanedPostmaster,
  waitUntil,
} from './harness/strata-under-test.js';
import { standardWorkloads } from './harness/workloads.js';

// A segment over more people than one backfill chunk (5,000), so the server can be killed
// between chunks; the next start must finish the backfill and switch the segment to active.
const people = Math.max(12_000, phaseSize * 40);

let dataDir: string;
const started: StrataProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'strata-backfill-kill-'));
});
afterAll(async () => {
  for (const running of started) {
    running.child.kill('SIGKILL');
    await exited(running.child);
  }
  await stopOrphanedPostmaster(dataDir);
  await rm(dataDir, { recursive: true, force: true });
});

async function ingestPeople(url: string): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${keys.writeKey}:`).toString('base64')}`;
  for (let start = 0; start < people; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, people - start) }, (_, i) => [
      {
        type: 'identify',
        userId: `bf-${start + i}`,
        traits: { plan: (start + i) % 3 === 0 ? 'pro' : 'free' },
        messageId: `bf-id-${start + i}`,
      },
      { type: 'track', userId: `bf-${start + i}`, event: 'login', messageId: `bf-login-${start + i}` },
    ]).flat();
    const response = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ batch }),
    });
    expect(response.status, await response.text()).toBe(200);
  }
}

it('kill -9 during a segment backfill: the next start finishes it, and membership equals a recompute', async () => {
  const first = await startStrata(dataDir);
  started.push(first);
  await ingestPeople(first.url);
  let current = first;
  const workloads = standardWorkloads(keys);
  for (const workload of workloads) workload.start(() => current.url);

  const database = await connectToDatabase(dataDir);
  const creating = fetch(`${first.url}/api/v1/segments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.adminKey}` },
    body: JSON.stringify({
      key: 'pro-active',
      name: 'Pro, active',
      target: 'person',
      rule: 'plan = "pro" and did "login" within last 30 days',
    }),
  }).catch(() => 'no answer');
  let interruptedAt: { done: number; total: number } | undefined;
  await waitUntil('the backfill is between chunks', async () => {
    const { rows } = await database.query<{ done: number; total: number }>(
      `SELECT backfill_done AS done, backfill_total AS total FROM segment_versions WHERE segment_key = 'pro-active' AND state = 'building'`,
    );
    const row = rows[0];
    if (row && row.done > 0 && row.done < row.total) interruptedAt = row;
    return interruptedAt !== undefined;
  });
  first.child.kill('SIGKILL');
  await exited(first.child);
  await database.end();
  expect(await creating).toBe('no answer');
  expect(interruptedAt!.done).toBeLessThan(interruptedAt!.total);

  current = await startStrata(dataDir);
  started.push(current);
  expect(current.output.join('\n')).toMatch(/resumed backfill finished/);
  const segment = await fetch(`${current.url}/api/v1/segments/pro-active`, { headers: { authorization: `Bearer ${keys.adminKey}` } });
  expect(await segment.json()).toMatchObject({ key: 'pro-active', status: 'active', version: 1, building: null });

  const afterRestart = workloads.reduce((sum, w) => sum + w.acknowledged(), 0);
  await waitUntil(
    'traffic is acknowledged again',
    () => workloads.reduce((sum, w) => sum + w.acknowledged(), 0) >= afterRestart + phaseSize,
  );
  for (const workload of workloads) await workload.stop();
  const check = await connectToDatabase(dataDir);
  try {
    for (const workload of workloads) await workload.verifyAcknowledged(check);
    for (const workload of workloads) await workload.resendUnacknowledged(current.url);
    for (const workload of workloads) await workload.verifyEverythingOnce(check);
  } finally {
    await check.end();
  }
  expect(workloads.flatMap((w) => w.unexpectedAnswers())).toEqual([]);
  await expectLiveMembershipEqualsRecompute(dataDir, 'pro-active');
}, 420_000);
