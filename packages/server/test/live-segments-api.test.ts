import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillVersion, LiveSegmentWorker, SegmentEngine, sweepTime } from '@strata/engine';
import {
  ensureEventPartitions,
  insertSegmentVersion,
  openDatabase,
  selectRuleMembers,
  listLiveVersions,
  type StrataDb,
  workspaceScope,
} from '@strata/storage';
import { validateRule, baseFieldSchema } from '@strata/core';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let nowMs = Date.UTC(2026, 2, 10, 12);
const now = () => new Date(nowMs);
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-02', '2026-03', '2026-04']);
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function send(messages: Array<Record<string, unknown>>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: messages },
  });
  expect(response.statusCode, response.body).toBe(200);
}
const at = (hoursAgo: number) => new Date(nowMs - hoursAgo * 3_600_000).toISOString();
async function members(key: string, query = '') {
  const response = await app.inject({ url: `/api/v1/segments/${key}/members${query}`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response
    .json<{ items: Array<{ id: string }> }>()
    .items.map((i) => i.id)
    .sort();
}

// One scenario in steps: each step builds on the segments, profiles and clock the steps before it
// left (the clock only moves forward), so the steps keep their order even under --sequence.shuffle.
describe('segments through the API', { shuffle: false }, () => {
  it('creates a segment filled from existing data, keeps it current, and explains each condition', async () => {
    await send([
      { type: 'identify', userId: 'ada', traits: { plan: 'pro' }, timestamp: at(100) },
      { type: 'identify', userId: 'bob', traits: { plan: 'free' }, timestamp: at(100) },
      ...[1, 2, 3, 4, 5].map((h) => ({ type: 'track', userId: 'ada', event: 'login', timestamp: at(h), messageId: `ada-login-${h}` })),
      { type: 'track', userId: 'bob', event: 'login', timestamp: at(2), messageId: 'bob-login-1' },
      { type: 'track', userId: 'bob', event: 'login', timestamp: at(3), messageId: 'bob-login-2' },
    ]);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'engaged', name: 'Engaged', target: 'person', rule: 'count(events "login" within last 30 days) >= 5' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ key: 'engaged', status: 'active', version: 1, members: 1 });
    expect(await members('engaged')).toEqual(['ada']);

    const explain = await app.inject({ url: '/api/v1/segments/engaged/explain?id=bob', headers: admin() });
    expect(explain.statusCode, explain.body).toBe(200);
    expect(explain.json()).toMatchObject({
      member: false,
      conditions: [{ holds: false, actual: 2, needs: '>= 5', summary: 'count(events "login" within last 30 days) = 2, needs >= 5' }],
      membership: { member: false },
    });

    // Three more logins: bob enters live, with the event as the cause.
    await send(
      [3, 4, 6].map((h) => ({ type: 'track', userId: 'bob', event: 'login', timestamp: at(h + 0.5), messageId: `bob-more-${h}` })),
    );
    await worker.drain();
    expect(await members('engaged')).toEqual(['ada', 'bob']);
    const history = (await app.inject({ url: '/api/v1/segments/engaged/explain?id=bob', headers: admin() })).json<{
      member: boolean;
      history: Array<{ change: string; cause: { kind: string; name?: string } }>;
    }>();
    expect(history.member).toBe(true);
    expect(history.history).toMatchObject([{ change: 'enter', cause: { kind: 'event', name: 'login' } }]);
    const segments = await app.inject({ url: '/api/v1/people/bob/segments', headers: admin() });
    expect(segments.json<Array<{ key: string }>>().map((s) => s.key)).toContain('engaged');
  });

  it('lets time pass: a window lets old logins go with no new event, and history answers as of any time', async () => {
    const enteredAt = nowMs;
    // Thirty days on, all but the newest login of each have left the window; nobody sent anything.
    nowMs += 30 * 86_400_000 - 1.5 * 3_600_000;
    await sweepTime(database.db, now());
    await worker.drain();
    expect(await members('engaged')).toEqual([]);
    // The feed shows a change once every older transaction of the cluster has ended (so a cursor
    // never skips a late commit); test files running beside this one may hold it back briefly.
    type Feed = { items: Array<{ id: string; change: string; cause: { kind: string } }>; nextCursor: string };
    let changes = await app.inject({ url: '/api/v1/segments/engaged/changes', headers: admin() });
    for (let tries = 0; changes.json<Feed>().items.filter((c) => c.id === 'bob').length < 2 && tries < 400; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      changes = await app.inject({ url: '/api/v1/segments/engaged/changes', headers: admin() });
    }
    const items = changes.json<Feed>().items;
    expect(items.filter((c) => c.id === 'bob').map((c) => [c.change, c.cause.kind])).toEqual([
      ['enter', 'event'],
      ['exit', 'time'],
    ]);
    // Members as of a time between bob's enter and exit include bob; before the segment existed, nobody.
    expect(await members('engaged', `?asOf=${new Date(enteredAt + 86_400_000).toISOString()}`)).toEqual(['ada', 'bob']);
    expect(await members('engaged', `?asOf=${new Date(enteredAt - 86_400_000 * 10).toISOString()}`)).toEqual([]);
    // A cursor moves past what was read: nothing new since the last change.
    const cursor = changes.json<Feed>().nextCursor;
    const since = await app.inject({ url: `/api/v1/segments/engaged/changes?since=${cursor}`, headers: admin() });
    expect(since.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('shows a dry-run diff of an edit, saves nothing, then applies it as a new version', async () => {
    const dry = await app.inject({
      method: 'PUT',
      url: '/api/v1/segments/engaged',
      headers: admin(),
      payload: { rule: 'count(events "login") >= 1', dryRun: true },
    });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, entering: 2, leaving: 0, staying: 0 });
    expect(dry.json<{ sampleEntering: string[] }>().sampleEntering.sort()).toEqual(['ada', 'bob']);
    expect(await members('engaged')).toEqual([]);

    const applied = await app.inject({
      method: 'PUT',
      url: '/api/v1/segments/engaged',
      headers: admin(),
      payload: { rule: 'count(events "login") >= 1' },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({ version: 2, status: 'active', rule: 'count(events "login") >= 1', members: 2 });
    const bob = (await app.inject({ url: '/api/v1/segments/engaged/explain?id=bob', headers: admin() })).json<{
      history: Array<{ change: string; cause: { kind: string; version?: number } }>;
    }>();
    expect(bob.history.at(-1)).toMatchObject({ change: 'enter', cause: { kind: 'rule-change', version: 2 } });
  });

  it('refuses bad input with the field and the fix', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'typo', name: 'Typo', target: 'person', rule: 'plann = "pro"' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT', details: [{ field: 'rule', code: 'unknown-field' }] } });
    const taken = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'engaged', name: 'x', target: 'person', rule: 'plan = "pro"' },
    });
    expect(taken.statusCode).toBe(409);
    const unknown = await app.inject({ url: '/api/v1/segments/nope/members', headers: admin() });
    expect(unknown.statusCode).toBe(404);
    const readOnly = await app.inject({
      method: 'DELETE',
      url: '/api/v1/segments/engaged',
      headers: { authorization: `Bearer ${ws.readKey}` },
    });
    expect(readOnly.statusCode).toBe(403);
  });

  it('leaves the old version serving when a backfill crashes, and resumes it from where it stopped', async () => {
    await send(['cy', 'dee', 'eve'].map((u) => ({ type: 'identify', userId: u, traits: { plan: 'pro' }, timestamp: at(1) })));
    await worker.drain();
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'pros', name: 'Pros', target: 'person', rule: 'plan = "pro"' },
    });
    expect(created.json()).toMatchObject({ members: 4 });
    const checked = validateRule('plan = "free"', { target: 'person', schema: baseFieldSchema() });
    if (!checked.ok) throw new Error('rule');
    await insertSegmentVersion(workspaceScope(database.db, ws.workspace.id, now), 'pros', 2, checked.rule, checked.text);
    await expect(
      backfillVersion(workspaceScope(database.db, ws.workspace.id, now), 'pros', 2, {
        chunkSize: 2,
        onProgress: (p) => {
          if (p.done === 2) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const during = (await app.inject({ url: '/api/v1/segments/pros', headers: admin() })).json<Record<string, unknown>>();
    expect(during).toMatchObject({ version: 1, status: 'active', building: { version: 2, backfill: { done: 2, total: 5 } } });
    expect(await members('pros')).toEqual(['ada', 'cy', 'dee', 'eve']);
    let progress: number[] = [];
    expect(
      await backfillVersion(workspaceScope(database.db, ws.workspace.id, now), 'pros', 2, {
        chunkSize: 2,
        onProgress: (p) => progress.push(p.done),
      }),
    ).toBe('activated');
    expect(progress[0]).toBe(2); // resumed after the finished chunk
    progress = [];
    expect(await members('pros')).toEqual(['bob']);
  });

  it('streams enters and exits as server-sent events to a live page', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${address.port}/api/v1/segments/pros/stream`, {
      headers: admin(),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const read = async (until: RegExp) => {
      while (!until.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(/: connected/);
    await send([{ type: 'identify', userId: 'fay', traits: { plan: 'free' }, timestamp: at(0) }]);
    await worker.drain();
    // Changes held back at connect time by another transaction of the cluster may come first.
    await read(/event: change\ndata: \{[^\n]*"id":"fay"[^\n]*\n\n/);
    const data = JSON.parse(/event: change\ndata: (\{[^\n]*"id":"fay"[^\n]*)\n/.exec(text)![1]!) as {
      id: string;
      change: string;
      cause: { kind: string };
    };
    expect(data).toMatchObject({ id: 'fay', change: 'enter', cause: { kind: 'traits' } });
    expect(text).toMatch(/^id: \d+\.\d+$/m);
    controller.abort();
  });

  it('serves /metrics in Prometheus text format', async () => {
    const response = await app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/^strata_segment_backlog \d+$/m);
  });
});

describe('two Strata processes on one PostgreSQL', () => {
  it('produce the memberships a full recompute gives, with every change recorded once', async () => {
    const other = await createTestWorkspace(database);
    const engines: SegmentEngine[] = [];
    const pools: StrataDb[] = [];
    for (let i = 0; i < 2; i++) {
      const db = openDatabase(database.url);
      pools.push(db);
      engines.push(new SegmentEngine({ db: db.db, pool: db.pool, now, sweepIntervalMs: 60_000 }));
    }
    for (const engine of engines) await engine.start();
    try {
      const apps = await Promise.all(pools.map((p) => createTestApp(p, { now })));
      await app.inject({
        method: 'POST',
        url: '/api/v1/segments',
        headers: { authorization: `Bearer ${other.adminKey}` },
        payload: { key: 'team', name: 'Team', target: 'account', rule: 'count(people where did "login" within last 7 days) >= 2' },
      });
      // Both processes take ingestion at once; each person logs in through both.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          apps[i % 2]!.inject({
            method: 'POST',
            url: '/v1/batch',
            headers: { authorization: basicAuth(other.writeKey) },
            payload: {
              batch: Array.from({ length: 5 }, (_, j) => ({
                type: 'track',
                userId: `p${(i * 5 + j) % 30}`,
                event: 'login',
                context: { groupId: `acct${(i * 5 + j) % 7}` },
                timestamp: at(i % 24),
              })),
            },
          }),
        ),
      );
      // Settled: no segment work and no account waiting for its health score (scoring queues the
      // segment work of the quadrant segments, so segment work alone can empty before it).
      const waiting = async () =>
        (await database.owner.selectFrom('segment_work').select('work_id').execute()).length +
        (await database.owner.selectFrom('health_work').select('account_id').execute()).length;
      await expect.poll(waiting, { timeout: 30_000 }).toBe(0);
      for (const version of await listLiveVersions(workspaceScope(database.db, other.workspace.id, now))) {
        const full = await selectRuleMembers(workspaceScope(database.db, other.workspace.id, now).db, version.rule, {
          workspaceId: other.workspace.id,
          now: now(),
        }).execute();
        const stored = await database.owner
          .selectFrom('segment_members')
          .select('member_id')
          .where('workspace_id', '=', other.workspace.id)
          .where('segment_key', '=', version.key)
          .execute();
        expect(stored.map((s) => s.member_id).sort(), version.key).toEqual(full.map((f) => f.id).sort());
      }
      // No double work: a member's history alternates enter and exit.
      const history = await database.owner
        .selectFrom('segment_changes')
        .select(['segment_key', 'member_id', 'kind'])
        .where('workspace_id', '=', other.workspace.id)
        .orderBy('change_id')
        .execute();
      const last = new Map<string, string>();
      for (const change of history) {
        const key = `${change.segment_key}/${change.member_id}`;
        expect(last.get(key), key).not.toBe(change.kind);
        last.set(key, change.kind);
      }
      expect(history.some((h) => h.segment_key === 'team')).toBe(true);
      for (const a of apps) await a.close();
    } finally {
      for (const engine of engines) await engine.stop();
      for (const p of pools) await p.close();
    }
  });
});
