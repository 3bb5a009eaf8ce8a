import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findRunningEmbeddedPostgres } from '@strata/storage';
import { exited, startStrataProcess, type StrataProcess } from '../../../test-support/strata-process.js';

const writeKey = 'wk_crash_test_0123456789abcdef';
const adminKey = 'sk_crash_test_0123456789abcdef';
let dataDir: string;
const env = () => ({ STRATA_DATA_DIR: dataDir, STRATA_BOOTSTRAP_WRITE_KEY: writeKey, STRATA_BOOTSTRAP_ADMIN_KEY: adminKey });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'strata-crash-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function batchOf(start: number, size: number) {
  return Array.from({ length: size }, (_, i) => ({
    type: 'track',
    userId: `crash-${(start + i) % 37}`,
    event: 'login',
    messageId: `crash-${start + i}`,
  }));
}

async function send(url: string, batch: unknown[]): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ batch }),
    });
    return response.status === 200;
  } catch {
    return false; // the server died mid-request: not acknowledged
  }
}

it('loses no acknowledged message when killed with -9 mid-stream, and recovers its PostgreSQL', async () => {
  const first: StrataProcess = await startStrataProcess(env());
  const acknowledged: string[] = [];
  const sent: unknown[][] = [];
  let next = 0;
  let killed = false;
  const client = async () => {
    while (!killed) {
      const batch = batchOf(next, 50);
      next += 50;
      sent.push(batch);
      if (await send(first.url, batch)) acknowledged.push(...batch.map((m) => m.messageId));
    }
  };
  const clients = [client(), client()];
  while (acknowledged.length < 2000) await new Promise((r) => setTimeout(r, 20));
  first.child.kill('SIGKILL');
  killed = true;
  await Promise.all(clients);
  await exited(first.child);

  // The postmaster outlived its parent; a second Strata must take over the folder cleanly.
  const second = await startStrataProcess(env());
  try {
    expect(second.output.join('\n')).toMatch(/orphaned PostgreSQL/);
    const client = new pg.Client({ connectionString: (await findRunningEmbeddedPostgres(dataDir))?.url });
    await client.connect();
    const { rows } = await client.query<{ message_id: string; n: string }>(
      'SELECT message_id, count(*) AS n FROM events WHERE message_id = ANY($1) GROUP BY message_id',
      [acknowledged],
    );
    expect(rows.length).toBe(acknowledged.length);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);

    // Clients retry what was not acknowledged; replays are deduplicated, so each id is stored once.
    for (const batch of sent) expect(await send(second.url, batch)).toBe(true);
    const all = await client.query<{ total: string; distinct: string }>(
      'SELECT count(*) AS total, count(DISTINCT message_id) AS distinct FROM events',
    );
    expect(Number(all.rows[0]!.total)).toBe(next);
    expect(Number(all.rows[0]!.distinct)).toBe(next);
    await client.end();
    const stats = await fetch(`${second.url}/api/v1/ingestion/stats`, { headers: { authorization: `Bearer ${adminKey}` } });
    const counts = (await stats.json()) as { received: number; stored: number; rejected: number; deduplicated: number };
    expect(counts.received).toBe(counts.stored + counts.rejected + counts.deduplicated);
    expect(counts.stored).toBe(next);
  } finally {
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  }
  expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
});

it('refuses to start on a data folder that a live Strata owns', async () => {
  const owner = await startStrataProcess(env());
  try {
    await expect(startStrataProcess(env())).rejects.toThrow(/another Strata \(pid \d+/);
    const health = await fetch(`${owner.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  } finally {
    owner.child.kill('SIGINT');
    expect(await exited(owner.child)).toBe(0);
  }
});
