import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailySizesStatement, inWorkspaceTransaction, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

// GET /api/v1/segment-activity: every segment's daily sizes and today's enters and exits, the
// days counted in the workspace's timezone. The enters and exits are written at known instants
// around New York's midnights (and across the switch to daylight time on 2026-03-08), and the
// expected numbers are counted forward here from those instants, while the server reads them back
// from the size now.
const timezone = 'America/New_York';
const now = () => new Date('2026-03-10T16:00:00Z'); // 12:00 in New York, 2026-03-10
let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;

type Change = { key: string; member: string; kind: 'enter' | 'exit'; at: string };
const [m1, m2, m3, m4, m5, m6] = Array.from({ length: 6 }, () => randomUUID()) as [string, string, string, string, string, string];
const changes: Change[] = [
  { key: 'alpha', member: m1, kind: 'enter', at: '2026-03-01T00:00:00Z' }, // before the window
  { key: 'alpha', member: m2, kind: 'enter', at: '2026-03-07T04:59:59Z' }, // 03-06 23:59:59 EST
  { key: 'alpha', member: m3, kind: 'enter', at: '2026-03-07T05:00:00Z' }, // 03-07 00:00 EST
  { key: 'alpha', member: m1, kind: 'exit', at: '2026-03-10T03:59:59Z' }, // 03-09 23:59:59 EDT
  { key: 'alpha', member: m4, kind: 'enter', at: '2026-03-10T04:00:00Z' }, // 03-10 00:00 EDT
  { key: 'alpha', member: m2, kind: 'exit', at: '2026-03-10T15:00:00Z' }, // today
  { key: 'beta', member: m5, kind: 'enter', at: '2026-03-08T04:30:00Z' }, // 03-07 23:30 EST
  { key: 'beta', member: m6, kind: 'enter', at: '2026-03-10T05:00:00Z' }, // today
  { key: 'beta', member: m5, kind: 'exit', at: '2026-03-10T06:00:00Z' }, // today
  { key: 'beta', member: m5, kind: 'enter', at: '2026-03-10T07:00:00Z' }, // today, back again
];
const membersNow: Record<string, string[]> = { alpha: [m3, m4], beta: [m5, m6], gamma: [] };

/** The calendar day of an instant in New York, YYYY-MM-DD. */
const localDay = (at: string) => new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date(at));
/** The size at the end of a day: enters minus exits up to it, counted forward from the start. */
const sizeAtEndOf = (key: string, day: string) =>
  changes.filter((c) => c.key === key && localDay(c.at) <= day).reduce((n, c) => n + (c.kind === 'enter' ? 1 : -1), 0);
const today = (key: string, kind: Change['kind']) =>
  changes.filter((c) => c.key === key && c.kind === kind && localDay(c.at) === '2026-03-10').length;

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const activity = (query = '') => app.inject({ url: `/api/v1/segment-activity${query}`, headers: admin() });

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  for (const key of ['alpha', 'beta', 'gamma']) {
    // Nobody matches the rule, so the engine writes no change of its own.
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key, name: key, target: 'person', rule: 'plan = "nobody has this plan"' },
    });
    expect(created.statusCode, created.body).toBe(201);
  }
  const workspaceId = ws.workspace.id;
  await database.owner.updateTable('workspaces').set({ timezone }).where('workspace_id', '=', workspaceId).execute();
  await database.owner
    .insertInto('segment_changes')
    .values(
      changes.map((c) => ({
        workspace_id: workspaceId,
        segment_key: c.key,
        member_id: c.member,
        kind: c.kind,
        at: new Date(c.at),
        version: 1,
        cause: '{}',
      })),
    )
    .execute();
  await database.owner
    .insertInto('segment_members')
    .values(
      Object.entries(membersNow).flatMap(([key, ids]) => ids.map((id) => ({ workspace_id: workspaceId, segment_key: key, member_id: id }))),
    )
    .execute();
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe('segment activity for the list', () => {
  it("gives every segment's daily sizes and today's enters and exits in the workspace's timezone", async () => {
    const response = await activity('?days=6');
    expect(response.statusCode, response.body).toBe(200);
    const days = ['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10'];
    expect(response.json()).toEqual({
      timezone,
      days,
      items: ['alpha', 'beta', 'gamma'].map((key) => ({
        key,
        sizes: days.map((day) => sizeAtEndOf(key, day)),
        enteredToday: today(key, 'enter'),
        exitedToday: today(key, 'exit'),
      })),
    });
    // The same numbers, written out: a UTC reading would put m2's enter on 03-07 and m1's exit on 03-10.
    expect(response.json<{ items: unknown[] }>().items[0]).toEqual({
      key: 'alpha',
      sizes: [1, 2, 3, 3, 2, 2],
      enteredToday: 1,
      exitedToday: 1,
    });
    expect(response.json<{ items: unknown[] }>().items[1]).toEqual({
      key: 'beta',
      sizes: [0, 0, 1, 1, 1, 2],
      enteredToday: 2,
      exitedToday: 1,
    });
  });

  it('agrees with the one-segment series, and gives 30 days by default', async () => {
    const all = (await activity()).json<{ days: string[]; items: { key: string; sizes: number[] }[] }>();
    expect(all.days).toHaveLength(30);
    expect(all.days.at(-1)).toBe('2026-03-10');
    const one = (await app.inject({ url: '/api/v1/segments/alpha/sizes', headers: admin() })).json<{
      days: { day: string; size: number }[];
    }>();
    expect(one.days.map((d) => d.day)).toEqual(all.days);
    expect(one.days.map((d) => d.size)).toEqual(all.items.find((i) => i.key === 'alpha')!.sizes);
  });

  it('refuses a number of days outside 1 to 90', async () => {
    expect((await activity('?days=0')).statusCode).toBe(400);
    expect((await activity('?days=91')).statusCode).toBe(400);
    expect((await activity('?days=90')).statusCode).toBe(200);
  });

  it('leaves every key to segments: one keyed "activity" is read and listed like any other', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'activity', name: 'Activity', target: 'person', rule: 'plan = "pro"' },
    });
    expect(created.statusCode).toBe(201);
    expect((await app.inject({ url: '/api/v1/segments/activity', headers: admin() })).json()).toMatchObject({ key: 'activity' });
    expect((await activity()).json().items.map((i: { key: string }) => i.key)).toContain('activity');
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/segments/activity', headers: admin() })).statusCode).toBe(204);
  });

  it('reads each segment as a range of the (workspace_id, segment_key, at) index, as the runtime role under row-level security', async () => {
    // The statement the server sends, explained on the runtime role's connection (strata_app,
    // bound by row-level security) with the workspace set, as a request runs it. Sequential scans
    // are priced out because the test's tables are tiny; the question is whether the index is usable.
    const scope = workspaceScope(database.db, ws.workspace.id, now);
    const statement = dailySizesStatement(scope, { days: 30, now: now(), timezone });
    const plan = await inWorkspaceTransaction(scope, async (tx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(tx.db);
      expect((await sql<{ r: string }>`SELECT current_user AS r`.execute(tx.db)).rows[0]!.r).toBe('strata_app');
      return sql<{ 'QUERY PLAN': string }>`EXPLAIN ${statement}`.execute(tx.db);
    });
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index (Only )?Scan using segment_changes_at on segment_changes c/);
    expect(text).toMatch(/Index Cond: \(\(workspace_id = .*\) AND \(segment_key = k(_\d+)?\.key\) AND \(at >= /);
  });
});
