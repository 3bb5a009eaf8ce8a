import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig, startStrata, startWorker, type RunningStrata, type RunningWorker } from '@strata/server';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let strata: RunningStrata | undefined;
let worker: RunningWorker | undefined;
const serverLog: Array<{ msg: string }> = [];

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function configFor(env: Record<string, string>) {
  const config = readConfig({
    PORT: '0',
    ...database.env,
    STRATA_DEMO: 'false',
    STRATA_SECRET_KEY: randomBytes(32).toString('base64'),
    STRATA_TIME_SWEEP_SECONDS: '1',
    ...env,
  });
  if (!config.ok) throw new Error(config.problems.join('\n'));
  return config.config;
}

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) serverLog.push(JSON.parse(line) as { msg: string });
      done();
    },
  });
  strata = await startStrata(configFor({ STRATA_LIVE_WORKERS: '0' }), { logger: pino({ level: 'info' }, sink), announce: () => undefined });
});
afterAll(async () => {
  await worker?.stop();
  await strata?.stop();
  await database.drop();
});

describe('STRATA_LIVE_WORKERS=0', () => {
  it('leaves live evaluation to a `strata worker` on the same database, while the server still sweeps time', async () => {
    const server = strata!;
    const admin = { authorization: `Bearer ${ws.adminKey}`, 'content-type': 'application/json' };
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${server.url}${path}`, init);
      if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return response;
    };
    await call('/api/v1/segments', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ key: 'logged-in', name: 'Logged in', target: 'person', rule: 'did "login" within last 1 days' }),
    });
    await call('/v1/track', {
      method: 'POST',
      headers: { authorization: basicAuth(ws.writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'ada', event: 'login' }),
    });
    const segmentsOfAda = async () =>
      ((await (await call('/api/v1/people/ada/segments', { headers: admin })).json()) as Array<{ key: string }>).map((s) => s.key);
    const backlog = async () => Number(/^strata_segment_backlog (\d+)$/m.exec(await (await call('/metrics')).text())?.[1]);

    expect(server.engine.workers).toHaveLength(0);
    expect(serverLog.some((entry) => entry.msg.startsWith('STRATA_LIVE_WORKERS=0: no live segment evaluation'))).toBe(true);
    // The time sweep runs whatever the setting.
    await until('a time sweep by the server', () => server.engine.lastSweep);
    // No process evaluates yet: Ada's login waits in the queue and she is in no segment.
    expect(await backlog()).toBeGreaterThan(0);
    expect(await segmentsOfAda()).not.toContain('logged-in');

    worker = await startWorker(configFor({}), { logger: pino({ level: 'silent' }) });
    expect(worker.runtime.segments.workers).toHaveLength(2);
    await until('the worker to evaluate Ada', async () => ((await segmentsOfAda()).includes('logged-in') ? true : undefined));
    await until('the queue to empty', async () => ((await backlog()) === 0 ? true : undefined));
  });
});
