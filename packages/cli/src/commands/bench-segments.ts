import type { Kysely } from 'kysely';
import { recomputeWorkspace } from '@strata/engine';
import { workspaceScope, type Database } from '@strata/storage';

/**
 * 39 segments that, with the 15 predefined ones counted (not those reading stored health scores),
 * make the benchmark's 54: every form of the contract's rule language, with varied windows, thresholds and event names.
 */
export function benchSegments(): Array<{ key: string; target: 'person' | 'account'; rule: string }> {
  const list: Array<{ key: string; target: 'person' | 'account'; rule: string }> = [];
  for (const [days, times] of [
    [1, 1],
    [7, 3],
    [14, 5],
    [30, 5],
    [30, 20],
    [90, 40],
  ] as const)
    list.push({ key: `logins-${days}d-${times}`, target: 'person', rule: `count(events "login" within last ${days} days) >= ${times}` });
  for (const feature of ['dashboards', 'reports', 'export', 'automations', 'integrations', 'api'])
    list.push({
      key: `uses-${feature}`,
      target: 'person',
      rule: `count(events "feature_used" where feature = "${feature}" within last 7 days) >= 1`,
    });
  for (const days of [7, 14, 30])
    list.push({ key: `no-login-${days}d`, target: 'person', rule: `last(events "login") more than ${days} days ago` });
  for (const days of [3, 14]) list.push({ key: `absent-${days}d`, target: 'person', rule: `not did "login" within last ${days} days` });
  for (const days of [7, 30]) list.push({ key: `joined-${days}d`, target: 'person', rule: `signed_up_at within last ${days} days` });
  list.push(
    { key: 'recent-login', target: 'person', rule: 'count(events "login" within last 90 minutes) >= 1' },
    { key: 'english-or-not-us', target: 'person', rule: 'language = "en" or not (timezone in ["America/New_York", "America/Chicago"])' },
    { key: 'enterprise-people', target: 'person', rule: 'account.plan = "enterprise"' },
    {
      key: 'export-heavy',
      target: 'person',
      rule: 'sum(events "feature_used".duration_s where feature = "export" within last 30 days) > 1200',
    },
    { key: 'invited', target: 'person', rule: 'did "invite_sent" within last 30 days' },
    { key: 'active-enterprise', target: 'person', rule: 'in segment "active" and account.plan = "enterprise"' },
    { key: 'bench-probe', target: 'person', rule: 'count(events "bench_probe" within last 1 days) >= 1' },
    { key: 'bench-expiry', target: 'person', rule: 'count(events "bench_expiry" within last 1 minutes) >= 1' },
  );
  for (const [plans, mrr] of [
    ['"pro", "enterprise"', 1000],
    ['"enterprise"', 5000],
    ['"starter"', 0],
  ] as const)
    list.push({ key: `plan-mrr-${mrr}`, target: 'account', rule: `plan in [${plans}] and mrr >= ${mrr}` });
  for (const [days, people] of [
    [7, 3],
    [7, 1],
    [30, 5],
  ] as const)
    list.push({
      key: `team-${days}d-${people}`,
      target: 'account',
      rule: `count(people where did "login" within last ${days} days) >= ${people}`,
    });
  list.push(
    { key: 'trials-not-churned', target: 'account', rule: 'in segment "trial" and not in segment "churned"' },
    { key: 'trial-3d', target: 'account', rule: 'trial_ends_at within next 3 days' },
    { key: 'half-active', target: 'account', rule: 'share(people where in segment "active") >= 0.5' },
    { key: 'urgent-tickets', target: 'account', rule: 'count(tickets where priority = "urgent" within last 30 days) >= 2' },
    { key: 'low-csat', target: 'account', rule: 'avg(tickets.csat within last 90 days) < 3' },
    { key: 'detractors', target: 'person', rule: 'last(surveys.nps) <= 6' },
  );
  return list;
}

/**
 * Creates the segments (those named in `only`, else all) through the API (each one is backfilled
 * before it answers); returns seconds per segment.
 */
export async function createBenchSegments(
  url: string,
  adminKey: string,
  only?: readonly string[],
): Promise<Array<{ key: string; seconds: number }>> {
  const built: Array<{ key: string; seconds: number }> = [];
  for (const segment of benchSegments().filter((s) => only === undefined || only.includes(s.key))) {
    const started = performance.now();
    const response = await fetch(`${url}/api/v1/segments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ ...segment, name: segment.key }),
    });
    if (response.status !== 201) throw new Error(`creating ${segment.key} answered ${response.status}: ${await response.text()}`);
    built.push({ key: segment.key, seconds: (performance.now() - started) / 1000 });
  }
  return built;
}

/** Full recompute of every segment of the workspace, referenced ones first; returns the seconds it took. */
export async function timeRecompute(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<{ seconds: number; perSegment: Record<string, number> }> {
  const perSegment: Record<string, number> = {};
  const started = performance.now();
  await recomputeWorkspace(
    workspaceScope(db, workspaceId, () => new Date()),
    (key, result) => (perSegment[key] = Math.round(result.seconds * 1000)),
  );
  return { seconds: (performance.now() - started) / 1000, perSegment };
}

/** The server's own view of live evaluation (quantiles over its last 10,000 items and batches), in ms. */
export async function readServerLiveStats(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const stats: Record<string, number> = {};
  for (const match of text.matchAll(/^strata_segment_(live_lag|batch)_recent_seconds\{quantile="([\d.]+)"\} ([\d.e+-]+)$/gm))
    stats[`${match[1]}_p${Number(match[2]) * 100}`] = Math.round(Number(match[3]) * 1000);
  return stats;
}

/** Waits until no live work is queued; returns the seconds it took. */
export async function waitForLiveBacklog(url: string, timeoutMs = 600_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const text = await (await fetch(`${url}/metrics`)).text();
    if (/^strata_segment_backlog 0$/m.test(text)) return (performance.now() - started) / 1000;
    // Each scrape counts the queue and the subscribers' backlogs: asked for twice a second, not
    // more, it stays a small share of the work it watches.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('live evaluation did not catch up within the time limit');
}

/**
 * Latency from an acknowledged event to the membership change being visible through the API,
 * under background load at `rate` events/s: each probe is a new person's `bench_probe` event,
 * whose `GET /people/{id}/segments` is polled until it shows `bench-probe` (for at most
 * `probeTimeoutMs`, 30 s by default, else the run fails).
 */
export async function measureLiveLatency(
  url: string,
  keys: { write: string; admin: string },
  userIds: string[],
  options: { seconds: number; rate: number; probeTimeoutMs?: number },
): Promise<{ p50: number; p99: number; max: number; probes: number; loadEventsPerS: number }> {
  const probeTimeoutMs = options.probeTimeoutMs ?? 30_000;
  const auth = `Basic ${Buffer.from(`${keys.write}:`).toString('base64')}`;
  const post = async (batch: unknown[]) => {
    const response = await fetch(`${url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ batch }),
    });
    if (response.status !== 200) throw new Error(`ingestion answered ${response.status}`);
  };
  const until = performance.now() + options.seconds * 1000;
  let loadSent = 0;
  let sequence = 0;
  // One lane sends at most 1,000 events/s (a batch every 100 ms, the next once it is answered);
  // a higher rate runs lanes side by side, so it is reached even when a batch takes longer than a tick.
  const lanes = Math.max(1, Math.ceil(options.rate / 1000));
  const lane = async () => {
    const perTick = Math.max(1, Math.round(options.rate / lanes / 10));
    while (performance.now() < until) {
      const tick = performance.now();
      const batch = Array.from({ length: perTick }, () => {
        sequence++;
        return {
          type: 'track',
          userId: userIds[(sequence * 7919) % userIds.length],
          event: sequence % 3 === 0 ? 'login' : 'feature_used',
          properties: { feature: ['dashboards', 'reports', 'export', 'api'][sequence % 4] },
          timestamp: new Date().toISOString(),
        };
      });
      await post(batch);
      loadSent += batch.length;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (performance.now() - tick))));
    }
  };
  const latencies: number[] = [];
  const probe = async () => {
    let n = 0;
    while (performance.now() < until) {
      const userId = `probe-${Date.now()}-${n++}`;
      await post([{ type: 'track', userId, event: 'bench_probe', timestamp: new Date().toISOString() }]);
      const acked = performance.now();
      for (;;) {
        const response = await fetch(`${url}/api/v1/people/${userId}/segments`, { headers: { authorization: `Bearer ${keys.admin}` } });
        const segments = response.status === 200 ? ((await response.json()) as Array<{ key: string }>) : [];
        if (segments.some((s) => s.key === 'bench-probe')) break;
        if (performance.now() - acked > probeTimeoutMs)
          throw new Error(`probe ${userId} did not enter bench-probe within ${probeTimeoutMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      latencies.push(performance.now() - acked);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const started = performance.now();
  await Promise.all([...Array.from({ length: lanes }, lane), probe()]);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0, probes: latencies.length, loadEventsPerS: loadSent / seconds };
}

/**
 * How late a membership that hangs on a window ends, with no new event: people enter
 * `bench-expiry` (a 1-minute window) and are polled until they leave; lag is how long after
 * the exact moment they were seen out.
 */
export async function measureExpiryLag(
  url: string,
  keys: { write: string; admin: string },
  people = 10,
): Promise<{ max_s: number; mean_s: number }> {
  const auth = `Basic ${Buffer.from(`${keys.write}:`).toString('base64')}`;
  const at = Date.now();
  const userIds = Array.from({ length: people }, (_, i) => `expiry-${at}-${i}`);
  const response = await fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify({
      batch: userIds.map((userId) => ({ type: 'track', userId, event: 'bench_expiry', timestamp: new Date(at).toISOString() })),
    }),
  });
  if (response.status !== 200) throw new Error(`ingestion answered ${response.status}`);
  const lags: number[] = [];
  const pending = new Set(userIds);
  const deadline = at + 60_000 + 180_000;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const userId of [...pending]) {
      const r = await fetch(`${url}/api/v1/people/${userId}/segments`, { headers: { authorization: `Bearer ${keys.admin}` } });
      const segments = r.status === 200 ? ((await r.json()) as Array<{ key: string }>) : [];
      if (Date.now() > at + 60_000 && !segments.some((s) => s.key === 'bench-expiry')) {
        lags.push((Date.now() - (at + 60_000)) / 1000);
        pending.delete(userId);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (pending.size > 0) throw new Error(`${pending.size} people never left bench-expiry`);
  return { max_s: Math.max(...lags), mean_s: lags.reduce((a, b) => a + b, 0) / lags.length };
}
