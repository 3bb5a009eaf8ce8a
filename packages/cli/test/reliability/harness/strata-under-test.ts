import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { recomputeSegment } from '@strata/engine';
import { findRunningEmbeddedPostgres, openDatabase, workspaceScope } from '@strata/storage';
import { startStrataProcess, type StrataProcess } from '../../../../../test-support/strata-process.js';
import type { WorkloadKeys } from './workloads.js';

/**
 * How much traffic each phase of a disruption test waits for: acknowledged items before a kill
 * and again after recovery. `STRATA_RELIABILITY_SIZE=5000 npm run test:reliability` for a heavier
 * local run; the default keeps the harness within a few minutes in CI.
 */
export const phaseSize = Number(process.env['STRATA_RELIABILITY_SIZE'] ?? 300);

export const keys: WorkloadKeys = {
  writeKey: 'wk_reliability_0123456789abcdef',
  adminKey: 'sk_reliability_0123456789abcdef',
};

/** `strata start` on `dataDir` with the harness's bootstrap keys. */
export function startStrata(dataDir: string, env: Record<string, string> = {}): Promise<StrataProcess> {
  return startStrataProcess({
    STRATA_DATA_DIR: dataDir,
    STRATA_BOOTSTRAP_WRITE_KEY: keys.writeKey,
    STRATA_BOOTSTRAP_ADMIN_KEY: keys.adminKey,
    ...env,
  });
}

/** A direct connection to the embedded PostgreSQL of the Strata running on `dataDir`. */
export async function connectToDatabase(dataDir: string): Promise<pg.Client> {
  const url = await findRunningEmbeddedPostgres(dataDir);
  if (!url) throw new Error(`no running Strata owns ${dataDir}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The pid of the postmaster of `dataDir`'s cluster. */
export async function postmasterPid(dataDir: string): Promise<number> {
  const text = await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8');
  return Number(text.split('\n')[0]);
}

/** The postmaster outlives a killed Strata: end it with a fast shutdown (SIGINT) so the folder can go. */
export async function stopOrphanedPostmaster(dataDir: string): Promise<void> {
  const pid = await postmasterPid(dataDir).catch(() => undefined);
  if (pid === undefined || !Number.isInteger(pid)) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // already gone
  }
  await waitUntil(
    'the orphaned postmaster stopped',
    async () => (await postmasterPid(dataDir).catch(() => undefined)) === undefined,
    60_000,
  );
}

/** Waits until `check` is true, polling; fails with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `/healthz` as a client sees it; a dropped connection reads as status 0. */
export async function health(url: string): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.json() };
  } catch {
    return { status: 0, body: undefined };
  }
}

/**
 * Creates a person segment that the workloads' traffic moves people into while it runs: the
 * threshold is the logins an average person gets over two phases, so about half end up in it.
 */
export async function createLoginSegment(url: string, key = 'frequent-login'): Promise<void> {
  const threshold = Math.max(3, Math.round((2 * phaseSize) / 41));
  const response = await fetch(`${url}/api/v1/segments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.adminKey}` },
    body: JSON.stringify({
      key,
      name: 'Frequent login',
      target: 'person',
      rule: `count(events "login" within last 30 days) >= ${threshold}`,
    }),
  });
  expect(response.status, await response.text()).toBe(201);
}

/**
 * Once the queue of segment work is empty, a full recompute of `key` changes nothing: what live
 * evaluation kept through the disruption is what the rule says of the stored data.
 */
export async function expectLiveMembershipEqualsRecompute(dataDir: string, key = 'frequent-login'): Promise<void> {
  const client = await connectToDatabase(dataDir);
  const url = await findRunningEmbeddedPostgres(dataDir);
  const strata = openDatabase(url!, { max: 2 });
  try {
    await waitUntil('the segment work queue is empty', async () => {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM segment_work');
      return rows[0]!.n === 0;
    });
    const { rows } = await client.query<{ id: string }>(`SELECT workspace_id AS id FROM workspaces WHERE slug = 'default'`);
    const members = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM segment_members WHERE segment_key = $1', [key]);
    // The traffic is meant to fill the segment: an empty one would prove nothing.
    expect(members.rows[0]!.n).toBeGreaterThan(0);
    expect(
      await recomputeSegment(
        workspaceScope(strata.db, rows[0]!.id, () => new Date()),
        key,
      ),
    ).toEqual({ entered: 0, exited: 0 });
  } finally {
    await strata.close();
    await client.end();
  }
}
