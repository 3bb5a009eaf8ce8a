import type { SoakLog } from './bench-soak-stats.js';

/** The poisoned tenant's keys and where Strata listens. */
export interface PoisonTarget {
  url: string;
  write: string;
  admin: string;
}

const tenant = 'poison';
const bigAccount = 'poison-big';
/** 24 letters then one that breaks the match: the classic input for catastrophic backtracking. */
const nick = `${'a'.repeat(24)}!`;

/**
 * Segments a hostile or careless tenant can create through the public API: rules that are
 * expensive over one very large account, patterns that backtrack exponentially in a naive
 * engine, patterns JavaScript accepts and PostgreSQL refuses, and a window beyond any date.
 */
const poisonSegments = [
  { key: 'poison-team', target: 'account', rule: 'count(people where did "login" within last 7 days) >= 3' },
  { key: 'poison-share', target: 'account', rule: 'share(people where did "login" within last 30 days) >= 0.5' },
  { key: 'poison-blowup', target: 'person', rule: 'nick matches "^(a|a)*$"' },
  { key: 'poison-stars', target: 'person', rule: 'nick matches "^a*a*a*a*a*a*a*a*a*a*a*a*$"' },
  { key: 'poison-pg-refuses', target: 'person', rule: 'nick matches "a{256}"' },
  { key: 'poison-pg-class', target: 'person', rule: 'nick matches "\\\\p{L}"' },
  { key: 'poison-huge-window', target: 'person', rule: 'count(events "login" within last 99999999999999 days) >= 1' },
] as const;

function headers(secret: string, scheme: 'Basic' | 'Bearer'): Record<string, string> {
  const value = scheme === 'Basic' ? Buffer.from(`${secret}:`).toString('base64') : secret;
  return { 'content-type': 'application/json', authorization: `${scheme} ${value}` };
}

function personId(n: number): string {
  return `poison-person-${n}`;
}

/**
 * Fills the poisoned tenant with one account of `people` people (each with a pathological
 * `nick` and recent logins), then creates its segments; returns each creation's answer.
 */
export async function setUpPoisonedTenant(target: PoisonTarget, log: SoakLog, people: number): Promise<Record<string, number>> {
  const write = headers(target.write, 'Basic');
  const messages: unknown[] = [];
  const now = Date.now();
  for (let n = 0; n < people; n++) {
    const userId = personId(n);
    messages.push(
      { type: 'identify', userId, traits: { nick, email: `${userId}@poison.example` } },
      { type: 'group', userId, groupId: bigAccount, traits: { name: 'Big account', plan: 'enterprise' } },
    );
    for (let day = 1; day <= 3; day++)
      messages.push({ type: 'track', userId, event: 'login', timestamp: new Date(now - day * 86_400_000).toISOString() });
  }
  for (let start = 0; start < messages.length; start += 2500) {
    const answer = await log.call(tenant, 'setup-ingest', `${target.url}/v1/batch`, {
      method: 'POST',
      headers: write,
      body: JSON.stringify({ batch: messages.slice(start, start + 2500) }),
      timeoutMs: 120_000,
    });
    if (answer?.status !== 200)
      throw new Error(`loading the poisoned tenant answered ${answer?.status ?? 'nothing'}: ${answer?.text ?? ''}`);
  }
  const created: Record<string, number> = {};
  for (const segment of poisonSegments) {
    const answer = await log.call(tenant, 'setup-segment', `${target.url}/api/v1/segments`, {
      method: 'POST',
      headers: headers(target.admin, 'Bearer'),
      body: JSON.stringify({ ...segment, name: segment.key }),
      timeoutMs: 180_000,
    });
    created[segment.key] = answer?.status ?? 0;
  }
  return created;
}

/** A request body that JSON.stringify could not build without recursion: `depth` levels of nesting. */
function nestedBody(open: string, close: string, depth: number): string {
  const message = `{"type":"track","userId":"${personId(0)}","event":"deep","properties":{"value":${open.repeat(depth)}1${close.repeat(depth)}}}`;
  return `{"batch":[${message}]}`;
}

/** Hostile ingestion, one request each: invalid characters, deep nesting, impossible times, garbage. */
function hostileBatches(): Array<{ kind: string; body: () => string }> {
  const track = (fields: Record<string, unknown>) =>
    JSON.stringify({ batch: [{ type: 'track', userId: personId(1), event: 'login', ...fields }] });
  const months = Array.from({ length: 60 }, (_, m) => new Date(Date.UTC(1990, m, 15)).toISOString());
  return [
    { kind: 'nul-trait', body: () => JSON.stringify({ batch: [{ type: 'identify', userId: personId(1), traits: { note: 'a\u0000b' } }] }) },
    { kind: 'nul-property-key', body: () => track({ properties: { 'k\u0000': 1 } }) },
    { kind: 'nul-event-name', body: () => track({ event: 'log\u0000in' }) },
    { kind: 'lone-surrogate-user', body: () => track({ userId: '\ud800x' }) },
    { kind: 'nested-5000-objects', body: () => nestedBody('{"a":', '}', 5000) },
    { kind: 'nested-200000-arrays', body: () => nestedBody('[', ']', 200_000) },
    { kind: 'timestamp-1896', body: () => track({ timestamp: '1896-01-01T00:00:00Z' }) },
    { kind: 'timestamp-2150', body: () => track({ timestamp: '2150-01-01T00:00:00Z' }) },
    { kind: 'timestamp-garbage', body: () => track({ timestamp: 'yesterday at noon' }) },
    {
      kind: 'timestamp-per-month',
      body: () => JSON.stringify({ batch: months.map((timestamp) => ({ type: 'track', userId: personId(2), event: 'login', timestamp })) }),
    },
    { kind: 'not-json', body: () => '{"batch":[{"type":"track",,,' },
  ];
}

/** Management calls with hostile parameters: NUL in ids, garbage cursors, absurd numbers. */
function hostileReads(): Array<{ kind: string; path: string; body?: unknown }> {
  return [
    { kind: 'nul-person-path', path: '/api/v1/people/x%00' },
    { kind: 'nul-explain-id', path: '/api/v1/segments/poison-team/explain?id=%00' },
    { kind: 'garbage-cursor', path: '/api/v1/segments/poison-team/members?cursor=bm90LWEtY3Vyc29y' },
    { kind: 'huge-since', path: '/api/v1/segments/poison-team/changes?since=1e300' },
    { kind: 'fractional-since', path: '/api/v1/segments/poison-team/changes?since=1.5' },
    {
      kind: 'preview-huge-window',
      path: '/api/v1/segments/preview',
      body: { target: 'person', rule: 'count(events "login" within last 99999999999999 days) >= 1' },
    },
    { kind: 'preview-nul-value', path: '/api/v1/segments/preview', body: { target: 'person', rule: 'nick = "\u0000"' } },
  ];
}

/**
 * Runs the poisoned tenant until `until` (ms on the log's clock): a tight loop of explain calls
 * (the big account, the backtracking patterns), one hostile ingestion request and one hostile
 * management call a second, and a valid 2,500-message batch of logins to the big account every
 * `floodEverySeconds`, which fans out to the expensive account segments.
 */
export async function runPoisonedTenant(
  target: PoisonTarget,
  log: SoakLog,
  options: { until: number; people: number; floodEverySeconds: number },
): Promise<void> {
  const admin = headers(target.admin, 'Bearer');
  const write = headers(target.write, 'Basic');
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(ms, options.until - log.now()))));
  const explains = [
    { kind: 'explain-big-account', path: `/api/v1/segments/poison-team/explain?id=${bigAccount}` },
    { kind: 'explain-backtracking', path: `/api/v1/segments/poison-blowup/explain?id=${personId(3)}` },
    { kind: 'explain-stars', path: `/api/v1/segments/poison-stars/explain?id=${personId(4)}` },
  ];
  const explainLoop = async () => {
    for (let n = 0; log.now() < options.until; n++) {
      const explain = explains[n % explains.length]!;
      const answer = await log.call(tenant, explain.kind, `${target.url}${explain.path}`, { headers: admin });
      // Nothing to hammer if the server is gone: wait rather than spin on refused connections.
      if (answer === undefined) await pause(1000);
    }
  };
  const ingestLoop = async () => {
    const batches = hostileBatches();
    for (let n = 0; log.now() < options.until; n++) {
      const batch = batches[n % batches.length]!;
      await log.call(tenant, batch.kind, `${target.url}/v1/batch`, { method: 'POST', headers: write, body: batch.body() });
      await pause(1000);
    }
  };
  const readLoop = async () => {
    const reads = hostileReads();
    for (let n = 0; log.now() < options.until; n++) {
      const read = reads[n % reads.length]!;
      await log.call(tenant, read.kind, `${target.url}${read.path}`, {
        method: read.body === undefined ? 'GET' : 'POST',
        headers: admin,
        ...(read.body === undefined ? {} : { body: JSON.stringify(read.body) }),
      });
      await pause(1000);
    }
  };
  const floodLoop = async () => {
    for (let n = 0; log.now() < options.until; n++) {
      const batch = Array.from({ length: 2500 }, (_, i) => ({
        type: 'track',
        userId: personId((n * 2500 + i) % options.people),
        event: 'login',
        timestamp: new Date().toISOString(),
      }));
      await log.call(tenant, 'flood-2500', `${target.url}/v1/batch`, {
        method: 'POST',
        headers: write,
        body: JSON.stringify({ batch }),
        events: batch.length,
      });
      await pause(options.floodEverySeconds * 1000);
    }
  };
  await Promise.all([explainLoop(), ingestLoop(), readLoop(), floodLoop()]);
}
