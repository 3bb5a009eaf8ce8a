import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { generateAccounts, loadSampleData, type SampleSize } from '@strata/engine';
import { createApiKey, createWorkspace, findWorkspaceBySlug, workspaceScope, type Database } from '@strata/storage';
import { readConfig } from '@strata/server';
import { openCommandDatabase } from '../database-for-command.js';
import { benchSegments, createBenchSegments, readServerLiveStats, timeRecompute } from './bench-segments.js';
import { describeMachine, startFreshServer } from './bench-server.js';
import { runPoisonedTenant, setUpPoisonedTenant } from './bench-soak-poison.js';
import { memoryTrend, normalTotals, poisonByKind, soakIntervals, soakTable, type SoakSample } from './bench-soak-report.js';
import { readMemory, SoakLog } from './bench-soak-stats.js';
import { readBacklog, waitForNormalBacklog } from './bench-soak-backlog.js';

export interface SoakOptions {
  seconds: number;
  size: SampleSize;
  seed: number;
  /** Events per second the normal tenants send together (three quarters main, one quarter normal). */
  rate: number;
  intervalSeconds: number;
}

/** A normal tenant's keys, the people it sends events about and the person segments it reads. */
interface Tenant {
  name: 'main' | 'normal';
  workspaceId: string;
  write: string;
  admin: string;
  userIds: string[];
  segments: string[];
}

/** Segments the second normal tenant gets: a few of each kind, and the probe segment. */
const normalTenantSegments = ['logins-7d-3', 'uses-export', 'no-login-14d', 'recent-login', 'team-7d-3', 'plan-mrr-1000', 'bench-probe'];
/** People in the poisoned tenant's one big account. */
const poisonPeople = 3000;
const floodEverySeconds = 10;
const readsPerSecondPerTenant = 2;
/** In-flight ingestion batches allowed before the pacer skips a tick (and the achieved rate shows it). */
const maxInFlight = 64;
const drainTimeoutMs = 180_000;

/**
 * `strata bench --soak SECONDS`: a steady load on a fresh server with two normal tenants and a
 * poisoned one, reporting latency, errors, backlog and memory per interval.
 */
export async function runSoak(options: SoakOptions, progress: (text: string) => void) {
  const { child, url, dataDir, writeKey, adminKey } = await startFreshServer('strata-soak-', progress);
  let exitedWith: string | undefined;
  child.once('exit', (code, signal) => (exitedWith = `${code ?? signal}`));
  try {
    const config = readConfig({ STRATA_DATA_DIR: dataDir });
    if (!config.ok) throw new Error(config.problems.join('; '));
    const database = await openCommandDatabase(config.config);
    try {
      const db = database.strata.db;
      const main = await findWorkspaceBySlug(db, 'default');
      if (!main) throw new Error('bootstrap workspace missing');
      progress(`main tenant: generating size ${options.size} and creating the benchmark's 39 segments`);
      await loadSampleData(workspaceScope(db, main.id, now), database.strata.pool, { size: options.size, seed: options.seed });
      await createBenchSegments(url, adminKey);
      await timeRecompute(db, main.id);
      const personSegments = benchSegments()
        .filter((s) => s.target === 'person')
        .map((s) => s.key);
      const tenants: Tenant[] = [
        {
          name: 'main',
          workspaceId: main.id,
          write: writeKey,
          admin: adminKey,
          userIds: userIdsOf(options.size, options.seed),
          segments: personSegments,
        },
      ];

      progress('normal tenant: generating size xs and creating 7 segments');
      const normal = await createTenant(db, 'soak-normal');
      await loadSampleData(workspaceScope(db, normal.workspaceId, now), database.strata.pool, { size: 'xs', seed: options.seed + 1 });
      await createBenchSegments(url, normal.admin, normalTenantSegments);
      tenants.push({
        name: 'normal',
        ...normal,
        userIds: userIdsOf('xs', options.seed + 1),
        segments: personSegments.filter((k) => normalTenantSegments.includes(k)),
      });

      progress(`poisoned tenant: one account of ${poisonPeople} people, expensive and hostile segments`);
      const poisonTenant = await createTenant(db, 'soak-poison');
      const setupLog = new SoakLog();
      const poisonSegments = await setUpPoisonedTenant({ url, ...poisonTenant }, setupLog, poisonPeople);
      progress(`  poisoned segments answered ${JSON.stringify(poisonSegments)}`);
      const names = new Map<string, string>([
        [main.id, 'main'],
        [normal.workspaceId, 'normal'],
        [poisonTenant.workspaceId, 'poison'],
      ]);
      const settled = await waitForNormalBacklog(db, names, 120_000);
      progress(`setup done; normal tenants' queue ${settled ? 'empty' : 'NOT empty after 2 minutes'}`);

      const log = new SoakLog();
      const durationMs = options.seconds * 1000;
      const intervalMs = options.intervalSeconds * 1000;
      // The first interval runs without the poisoned tenant: the baseline to compare with.
      const poisonFromMs = durationMs >= 2 * intervalMs ? intervalMs : durationMs / 4;
      const samples: SoakSample[] = [];
      const sample = async () => {
        const memory = await readMemory(child.pid!, join(dataDir, 'pg', 'postmaster.pid'));
        samples.push({
          at: log.now(),
          server_mb: memory?.server_mb ?? 0,
          postgres_mb: memory?.postgres_mb ?? 0,
          backlog: await readBacklog(db, names),
        });
      };
      await sample();
      progress(
        `soak: ${options.seconds} s at ${options.rate} events/s, management reads, membership probes; poisoned tenant from ${poisonFromMs / 1000} s`,
      );
      let reported = 0;
      const sampler = async () => {
        while (log.now() < durationMs) {
          await pause(Math.min(5000, durationMs - log.now()));
          await sample();
          const rows = soakIntervals(log.calls, samples, { durationMs: Math.min(log.now(), durationMs), intervalMs, poisonFromMs });
          for (const row of rows.slice(reported, Math.floor(log.now() / intervalMs)))
            progress(
              `  ${row.t_s} s: ${row.events_per_s} events/s, ack p99 ${row.ack_ms.p99} ms, membership p99 main ${row.membership_ms['main']!.p99} / normal ${row.membership_ms['normal']!.p99} ms, 5xx ${row.server_5xx}, backlog ${JSON.stringify(row.backlog)}, RSS ${row.server_mb} MB`,
            );
          reported = Math.max(reported, Math.floor(log.now() / intervalMs));
        }
      };
      await Promise.all([
        sampler(),
        driveLoad(url, tenants, log, { until: durationMs, rate: options.rate }),
        ...tenants.map((t) => probeMembership(url, t, log, durationMs)),
        ...tenants.map((t) => readManagement(url, t, log, durationMs)),
        (async () => {
          await pause(poisonFromMs);
          await runPoisonedTenant({ url, ...poisonTenant }, log, { until: durationMs, people: poisonPeople, floodEverySeconds });
        })(),
      ]);
      const endedAt = log.now();
      progress("load stopped; waiting for the normal tenants' queue to drain");
      const drainStarted = performance.now();
      const drained = await waitForNormalBacklog(db, names, drainTimeoutMs);
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      await sample();
      const intervals = soakIntervals(log.calls, samples, { durationMs, intervalMs, poisonFromMs });
      const afterDrain = samples.at(-1)!;
      const fiveHundreds = log.calls.filter((c) => c.status >= 500);
      const soak = {
        command: `npm run bench -- --soak ${options.seconds} --size ${options.size} --rate ${options.rate}`,
        machine: describeMachine(),
        size: options.size,
        seconds: options.seconds,
        target_events_per_s: options.rate,
        interval_s: options.intervalSeconds,
        poison_from_s: poisonFromMs / 1000,
        ran_s: Math.round(endedAt / 1000),
        server_exited: exitedWith ?? null,
        totals: normalTotals(log.calls, durationMs, poisonFromMs),
        server_5xx: fiveHundreds.length,
        server_5xx_by_kind: Object.fromEntries(
          [...new Set(fiveHundreds.map((c) => `${c.tenant}:${c.kind}`))].map((k) => [
            k,
            fiveHundreds.filter((c) => `${c.tenant}:${c.kind}` === k).length,
          ]),
        ),
        memory: { ...memoryTrend(samples, durationMs), server_mb_after_drain: afterDrain.server_mb },
        backlog_at_end: samples.filter((s) => s.at <= durationMs).at(-1)?.backlog ?? {},
        backlog_after_drain: afterDrain.backlog,
        normal_backlog_drained: drained,
        drain_s: Math.round(drainSeconds * 10) / 10,
        server_live_ms: exitedWith === undefined ? await readServerLiveStats(url) : {},
        poison_setup: { segments: poisonSegments, calls: poisonByKind(setupLog.calls) },
        poison_segments_at_end: exitedWith === undefined ? await segmentStates(url, poisonTenant.admin) : [],
        poison: poisonByKind(log.calls),
        intervals,
        samples,
      };
      return { soak, table: soakTable(intervals) };
    } finally {
      await database.close();
    }
  } finally {
    if (exitedWith === undefined) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

function userIdsOf(size: SampleSize, seed: number): string[] {
  const ids: string[] = [];
  for (const account of generateAccounts(size, seed, Date.now())) for (const person of account.people) ids.push(person.userId);
  return ids;
}

/** A workspace with a write key and an admin key, as `strata workspaces create` and `strata keys create` make them. */
async function createTenant(db: Kysely<Database>, slug: string): Promise<{ workspaceId: string; write: string; admin: string }> {
  const workspace = await createWorkspace(db, { slug });
  const scope = workspaceScope(db, workspace.id, now);
  const write = await createApiKey(scope, { name: 'soak', scopes: ['ingest'] });
  const admin = await createApiKey(scope, { name: 'soak', scopes: ['admin'] });
  return { workspaceId: workspace.id, write: write.secret, admin: admin.secret };
}

/** Each segment's status and freshness as `GET /api/v1/segments` gives them: where a failing one shows. */
async function segmentStates(url: string, admin: string): Promise<unknown[]> {
  const response = await fetch(`${url}/api/v1/segments`, {
    headers: { authorization: `Bearer ${admin}` },
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status !== 200) return [{ status: response.status }];
  const list = (await response.json()) as Array<Record<string, unknown>>;
  return list
    .filter((s) => String(s['key']).startsWith('poison-'))
    .map((s) => ({ key: s['key'], status: s['status'], freshness: s['freshness'], building: s['building'] }));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * Sends `rate` events a second in one batch per tenant every 100 ms (three quarters to main),
 * without waiting for the answers, so a slow answer does not slow the load; when
 * `maxInFlight` batches are unanswered the tick is skipped and the achieved rate falls.
 */
async function driveLoad(url: string, tenants: readonly Tenant[], log: SoakLog, options: { until: number; rate: number }): Promise<void> {
  const features = ['dashboards', 'reports', 'export', 'automations'];
  const perTick = { main: Math.round((options.rate * 0.75) / 10), normal: Math.round((options.rate * 0.25) / 10) };
  const inFlight = new Set<Promise<unknown>>();
  let sequence = 0;
  let next = log.now();
  while (log.now() < options.until) {
    for (const tenant of tenants) {
      if (inFlight.size >= maxInFlight) break;
      const batch = Array.from({ length: perTick[tenant.name] }, () => {
        sequence++;
        return {
          type: 'track',
          messageId: `soak-${sequence}`,
          userId: tenant.userIds[(sequence * 7919) % tenant.userIds.length],
          event: sequence % 3 === 0 ? 'login' : 'feature_used',
          properties: { feature: features[sequence % features.length], duration_s: sequence % 600 },
          timestamp: new Date().toISOString(),
        };
      });
      const sent = log.call(tenant.name, 'ingest', `${url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${tenant.write}:`).toString('base64')}` },
        body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
        events: batch.length,
      });
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
    }
    next += 100;
    // Behind by more than a tick (this process was starved): start again from now, no burst.
    if (log.now() > next + 100) next = log.now();
    await pause(next - log.now());
  }
  await Promise.all(inFlight);
}

/**
 * One probe after another, as the benchmark's latency step: a new person's `bench_probe` event,
 * then `GET /people/{id}/segments` every 10 ms until `bench-probe` shows (30 s at most, then a
 * timeout is recorded), as kind `membership` with the time from the acknowledgement.
 */
async function probeMembership(url: string, tenant: Tenant, log: SoakLog, until: number): Promise<void> {
  const write = { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${tenant.write}:`).toString('base64')}` };
  const admin = { authorization: `Bearer ${tenant.admin}` };
  for (let n = 0; log.now() < until; n++) {
    const userId = `probe-${tenant.name}-${Date.now()}-${n}`;
    const sent = await log.call(tenant.name, 'probe-ingest', `${url}/v1/batch`, {
      method: 'POST',
      headers: write,
      body: JSON.stringify({ batch: [{ type: 'track', userId, event: 'bench_probe', timestamp: new Date().toISOString() }] }),
    });
    if (sent?.status !== 200) {
      await pause(1000);
      continue;
    }
    const ackedAt = log.now();
    let seen = false;
    while (!seen && log.now() - ackedAt < 30_000) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/api/v1/people/${userId}/segments`, { headers: admin, signal: AbortSignal.timeout(30_000) });
        const segments = response.status === 200 ? ((await response.json()) as Array<{ key: string }>) : [];
        if (response.status !== 200)
          log.add({ at: ackedAt, ms: performance.now() - started, status: response.status, tenant: tenant.name, kind: 'probe-poll' });
        seen = segments.some((s) => s.key === 'bench-probe');
      } catch {
        log.add({ at: ackedAt, ms: performance.now() - started, status: 0, tenant: tenant.name, kind: 'probe-poll' });
      }
      if (!seen) await pause(10);
    }
    log.add({ at: ackedAt, ms: log.now() - ackedAt, status: seen ? 200 : 0, tenant: tenant.name, kind: 'membership' });
    await pause(500);
  }
}

/** Management reads at a modest steady rate: the segment list, members, explain, a person and their segments. */
async function readManagement(url: string, tenant: Tenant, log: SoakLog, until: number): Promise<void> {
  const headers = { authorization: `Bearer ${tenant.admin}` };
  for (let n = 0; log.now() < until; n++) {
    const key = tenant.segments[n % tenant.segments.length]!;
    const userId = tenant.userIds[(n * 104_729) % tenant.userIds.length]!;
    const reads = [
      { kind: 'read-segments', path: '/api/v1/segments' },
      { kind: 'read-members', path: `/api/v1/segments/${key}/members?limit=50` },
      { kind: 'read-explain', path: `/api/v1/segments/${key}/explain?id=${encodeURIComponent(userId)}` },
      { kind: 'read-person', path: `/api/v1/people/${encodeURIComponent(userId)}` },
      { kind: 'read-person-segments', path: `/api/v1/people/${encodeURIComponent(userId)}/segments` },
    ];
    const read = reads[n % reads.length]!;
    const started = log.now();
    await log.call(tenant.name, read.kind, `${url}${read.path}`, { headers });
    await pause(1000 / readsPerSecondPerTenant - (log.now() - started));
  }
}

const now = (): Date => new Date();
