import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { exited, type StrataWorkerProcess } from '../../../../test-support/strata-process.js';
import { SmtpReceiver } from './harness/smtp-receiver.js';
import { keys, startStrata, startWorker, stopOrphanedPostmaster, waitUntil } from './harness/strata-under-test.js';

// kill -9 of the worker while playbook emails are in flight at a slow SMTP server. After a
// restart every run completed with its email step recorded once; the SMTP server accepted every
// run's email exactly once (the cut-off ones were sent again, under the same Message-ID).

let dataDir: string;
let receiver: SmtpReceiver | undefined;
const started: StrataWorkerProcess[] = [];
const people = 30;

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

const admin = { authorization: `Bearer ${keys.adminKey}`, 'content-type': 'application/json' };
const writer = { authorization: `Basic ${Buffer.from(`${keys.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' };

async function call(url: string, method: string, path: string, body?: unknown, headers = admin): Promise<unknown> {
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);
  return text ? JSON.parse(text) : undefined;
}

it('kill -9 of a worker with emails in flight: every run completes, each email accepted once', async () => {
  // The SMTP receiver is on loopback: allowed as STRATA_ALLOW_PRIVATE_WEBHOOKS=true allows it.
  const strata = await startStrata(dataDir, { STRATA_ALLOW_PRIVATE_WEBHOOKS: 'true' });
  let worker = await startWorker(dataDir);
  started.push(strata, worker);
  const smtp = (receiver = await SmtpReceiver.start({ delayMs: 300, watchedPids: () => started.map((p) => p.child.pid!) }));
  await call(strata.url, 'PUT', '/api/v1/settings/email', { host: '127.0.0.1', port: smtp.port, secure: false, from: 'hello@acme.test' });
  await call(strata.url, 'POST', '/v1/identify', { userId: 'first-seen', traits: { plan: 'free', email: 'first@example.com' } }, writer);
  await call(strata.url, 'POST', '/api/v1/segments', { key: 'trialists', name: 'Trialists', target: 'person', rule: 'plan = "trial"' });
  await call(strata.url, 'PUT', '/api/v1/playbooks/crash', {
    name: 'Crash',
    enabled: true,
    trigger: { on: 'segment-entered', segment: 'trialists' },
    steps: [
      { type: 'email', subject: 'Welcome {{ person.name }}', text: 'Hello' },
      { type: 'task', title: 'Follow up' },
    ],
  });
  const batch = Array.from({ length: people }, (_, i) => ({
    type: 'identify',
    userId: `p${i}`,
    traits: { plan: 'trial', name: `P${i}`, email: `p${i}@example.com` },
  }));
  await call(strata.url, 'POST', '/v1/batch', { batch }, writer);

  let cutOff: string[] = [];
  await waitUntil('the worker has emails in flight', () => {
    cutOff = smtp.inFlightFrom(worker.child.pid!);
    if (cutOff.length > 0) worker.child.kill('SIGKILL');
    return cutOff.length > 0;
  });
  await exited(worker.child);
  started.push((worker = await startWorker(dataDir)));

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
      ['0', 'sent'],
      ['1', 'opened'],
    ]);
  const accepted = smtp.acceptedCounts();
  expect(accepted.size).toBe(people);
  expect([...accepted.values()].every((n) => n === 1)).toBe(true);
  // The emails the kill cut off were sent again, under the same Message-ID, and accepted then.
  for (const id of cutOff) expect(smtp.arrivals.filter((a) => a.messageId === id).length).toBeGreaterThan(1);
  console.info(
    `kill -9 during playbook email: ${smtp.arrivals.length} DATA, ${accepted.size} accepted, ${cutOff.length} cut off by the kill`,
  );
}, 300_000);
