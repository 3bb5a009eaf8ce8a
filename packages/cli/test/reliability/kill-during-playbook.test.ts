import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { exited, type StrataWorkerProcess } from '../../../../test-support/strata-process.js';
import { keys, startStrata, startWorker, stopOrphanedPostmaster, waitUntil } from './harness/strata-under-test.js';
import { WebhookReceiver } from './harness/webhook-receiver.js';

// kill -9 of the worker while a playbook's webhook steps are in flight at a slow receiver. After a
// restart, every run completed; each run's webhook step was recorded once and its task opened once;
// every run's message arrived, and those the kill cut off arrived again under the same webhook-id.

let dataDir: string;
let receiver: WebhookReceiver | undefined;
const started: StrataWorkerProcess[] = [];
const people = 40;

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
const admin = { authorization: `Bearer ${keys.adminKey}`, 'content-type': 'application/json' };
const writer = { authorization: `Basic ${Buffer.from(`${keys.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' };

async function call(url: string, method: string, path: string, body?: unknown, headers = admin): Promise<unknown> {
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);
  return text ? JSON.parse(text) : undefined;
}

it('kill -9 of a worker with webhook steps in flight: every run completes, each step once, cut-off messages again under the same webhook-id', async () => {
  const strata = await startStrata(dataDir, env);
  let worker = await startWorker(dataDir, env);
  started.push(strata, worker);
  const live = (receiver = await WebhookReceiver.start({ delayMs: 300, watchedPids: () => started.map((p) => p.child.pid!) }));
  await call(strata.url, 'POST', '/v1/identify', { userId: 'first-seen', traits: { plan: 'free' } }, writer);
  await call(strata.url, 'POST', '/api/v1/segments', { key: 'trialists', name: 'Trialists', target: 'person', rule: 'plan = "trial"' });
  const saved = (await call(strata.url, 'PUT', '/api/v1/playbooks/crash', {
    name: 'Crash',
    enabled: true,
    trigger: { on: 'segment-entered', segment: 'trialists' },
    steps: [
      { type: 'webhook', url: live.url },
      { type: 'task', title: 'Follow up' },
    ],
  })) as { steps: Array<{ secret: string }> };
  const secret = saved.steps[0]!.secret;
  const batch = Array.from({ length: people }, (_, i) => ({ type: 'identify', userId: `p${i}`, traits: { plan: 'trial' } }));
  await call(strata.url, 'POST', '/v1/batch', { batch }, writer);

  let cutOff: string[] = [];
  await waitUntil('the worker has webhook steps in flight', () => {
    // Read and killed in one synchronous step: the receiver answers on this event loop.
    cutOff = live.inFlightFrom(worker.child.pid!);
    if (cutOff.length > 0) worker.child.kill('SIGKILL');
    return cutOff.length > 0;
  });
  await exited(worker.child);
  started.push((worker = await startWorker(dataDir, env)));

  type Run = { id: string; status: string; steps: Array<{ path: string; outcome: string }> };
  let runs: Run[] = [];
  await waitUntil(
    'every run completed',
    async () => {
      runs = (await call(strata.url, 'GET', '/api/v1/playbooks/crash/runs?limit=500')) as Run[];
      return runs.length === people && runs.every((r) => r.status === 'completed');
    },
    180_000,
  );
  for (const run of runs)
    expect(run.steps.map((s) => [s.path, s.outcome])).toEqual([
      ['0', 'delivered'],
      ['1', 'opened'],
    ]);
  const tasks = (await call(strata.url, 'GET', '/api/v1/tasks?limit=500')) as unknown[];
  expect(tasks).toHaveLength(people);
  const verifier = new Webhook(secret);
  const ids = new Set(live.arrivals.map((a) => String(a.headers['webhook-id'])));
  for (const arrival of live.arrivals) verifier.verify(arrival.body, arrival.headers as Record<string, string>);
  expect(ids.size).toBe(people);
  expect(cutOff.map((id) => ({ id, again: live.arrivalsOf(id) > 1 }))).toEqual(cutOff.map((id) => ({ id, again: true })));
  console.info(
    `kill -9 during playbook webhooks: ${live.arrivals.length} arrivals, ${ids.size} runs, ${cutOff.length} cut off by the kill`,
  );
}, 300_000);
