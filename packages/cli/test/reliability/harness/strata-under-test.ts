import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { recomputeSegment } from '@strata/engine';
import { findRunningEmbeddedPostgres, openDatabase, workspaceScope } from '@strata/storage';
import {
  startStrataProcess,
  startStrataWorkerProcess,
  type StrataProcess,
  type StrataWorkerProcess,
} from '../../../../../test-support/strata-process.js';
import type { WebhookReceiver } from './webhook-receiver.js';
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

/** `strata worker` on `dataDir`: it finds the embedded PostgreSQL of the `strata start` there. */
export function startWorker(dataDir: string, env: Record<string, string> = {}): Promise<StrataWorkerProcess> {
  return startStrataWorkerProcess({ STRATA_DATA_DIR: dataDir, ...env });
}

/** A direct connection to the embedded PostgreSQL of the Strata running on `dataDir`. */
export async function connectToDatabase(dataDir: string): Promise<pg.Client> {
  const found = await findRunningEmbeddedPostgres(dataDir);
  if (!found) throw new Error(`no running Strata owns ${dataDir}`);
  // The owner (the cluster's superuser): assertions read every workspace's rows directly.
  const client = new pg.Client({ connectionString: found.url });
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
 * Once the queue of segment work is empty, a full recompute of each segment changes nothing: what
 * live evaluation kept through the disruption is what the rule says of the stored data.
 */
export async function expectLiveMembershipEqualsRecompute(
  dataDir: string,
  segmentKeys: string | readonly string[] = 'frequent-login',
): Promise<void> {
  const client = await connectToDatabase(dataDir);
  // The recompute runs as Strata does: as the runtime role, through the workspace's scope.
  const strata = openDatabase((await findRunningEmbeddedPostgres(dataDir))!.runtimeUrl, { max: 2 });
  try {
    await waitUntil('the segment work queue is empty', async () => {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM segment_work');
      return rows[0]!.n === 0;
    });
    const { rows } = await client.query<{ id: string }>(`SELECT workspace_id AS id FROM workspaces WHERE slug = 'default'`);
    for (const key of typeof segmentKeys === 'string' ? [segmentKeys] : segmentKeys) {
      const members = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM segment_members WHERE segment_key = $1', [key]);
      // The traffic is meant to fill the segment: an empty one would prove nothing.
      expect(members.rows[0]!.n, key).toBeGreaterThan(0);
      expect({
        key,
        ...(await recomputeSegment(
          workspaceScope(strata.db, rows[0]!.id, () => new Date()),
          key,
        )),
      }).toEqual({
        key,
        entered: 0,
        exited: 0,
      });
    }
  } finally {
    await strata.close();
    await client.end();
  }
}

const adminHeaders = () => ({ 'content-type': 'application/json', authorization: `Bearer ${keys.adminKey}` });

/** Creates segments through the API. */
export async function createSegments(
  url: string,
  segments: ReadonlyArray<{ key: string; name: string; target: string; rule: string }>,
): Promise<void> {
  for (const segment of segments) {
    const response = await fetch(`${url}/api/v1/segments`, { method: 'POST', headers: adminHeaders(), body: JSON.stringify(segment) });
    expect(response.status, await response.text()).toBe(201);
  }
}

/** Creates a membership webhook for every segment's enters and exits; answers its signing secret. */
export async function createWebhook(url: string, key: string, receiverUrl: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/webhooks/${key}`, {
    method: 'PUT',
    headers: adminHeaders(),
    body: JSON.stringify({ url: receiverUrl, events: ['segment.entered', 'segment.exited'] }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return (JSON.parse(text) as { secret: string }).secret;
}

/**
 * Waits until the background spine is quiet, as an operator sees it: no segment work queued, every
 * change subscriber caught up (backlog 0, no error) and no job left (a dead job fails the wait at
 * the timeout, with what the system view shows). Quiet must hold twice in a row, a poll apart, so a
 * hand-over between stages (work -> change -> message -> job) is not mistaken for the end.
 */
export async function waitUntilQuiet(url: () => string, database: pg.Client, timeoutMs = 60_000): Promise<void> {
  let last: unknown;
  let quietPolls = 0;
  const get = async (path: string) => {
    const response = await fetch(`${url()}${path}`, { headers: adminHeaders(), signal: AbortSignal.timeout(10_000) });
    return response.ok ? ((await response.json()) as unknown[]) : [`${path} answered ${response.status}`];
  };
  try {
    await waitUntil(
      'the system is quiet',
      async () => {
        try {
          const { rows } = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM segment_work');
          const subscribers = (await get('/api/v1/system/subscribers')) as Array<{ backlog: number; lastError: string | null }>;
          const jobs = await get('/api/v1/system/jobs');
          last = { segmentWork: rows[0]!.n, subscribers, jobs: jobs.slice(0, 5) };
          const quiet = rows[0]!.n === 0 && subscribers.every((s) => s.backlog === 0 && s.lastError === null) && jobs.length === 0;
          quietPolls = quiet ? quietPolls + 1 : 0;
        } catch (error) {
          last = error;
          quietPolls = 0;
        }
        return quietPolls >= 2;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${String(error)}; last seen: ${JSON.stringify(last)}`, { cause: error });
  }
}

/**
 * Every membership change recorded since the webhook was created reached the receiver under one
 * webhook-id of its own, signed so that `standardwebhooks` verifies it: no change missing, no change
 * under two ids, no id for something that is not a change. Repeats of an id (at-least-once) are
 * allowed and reported. Answers the raw and distinct counts for the test to report.
 */
export async function expectOneDeliveryPerChange(
  database: pg.Client,
  receiver: WebhookReceiver,
  webhook: { key: string; secret: string },
): Promise<{ raw: number; distinct: number; changes: number }> {
  const { rows } = await database.query<{ cursor: string }>(
    `SELECT c.txid::text || '.' || c.change_id AS cursor
     FROM segment_changes c
     JOIN workspaces w ON w.workspace_id = c.workspace_id AND w.slug = 'default'
     JOIN webhooks h ON h.workspace_id = c.workspace_id AND h.webhook_key = $1
     WHERE c.at >= h.created_at`,
    [webhook.key],
  );
  const changes = new Set(rows.map((r) => r.cursor));
  const { tally, changeOfId } = receiver.verify(webhook.secret);
  const idsOfChange = new Map<string, string[]>();
  for (const [id, change] of changeOfId) idsOfChange.set(change, [...(idsOfChange.get(change) ?? []), id]);
  const missing = [...changes].filter((c) => !idsOfChange.has(c));
  const underTwoIds = [...idsOfChange].filter(([, ids]) => ids.length > 1).map(([c, ids]) => `${c}: ${ids.join(' ')}`);
  const notChanges = [...idsOfChange.keys()].filter((c) => !changes.has(c));
  expect({
    unverified: tally.unverified.slice(0, 5),
    missing: missing.slice(0, 5),
    underTwoIds: underTwoIds.slice(0, 5),
    notChanges,
  }).toEqual({
    unverified: [],
    missing: [],
    underTwoIds: [],
    notChanges: [],
  });
  expect(tally.distinct).toBe(changes.size);
  return { raw: tally.raw, distinct: tally.distinct, changes: changes.size };
}
