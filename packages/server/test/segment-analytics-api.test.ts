import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { backfillSegmentMetrics, LiveSegmentWorker, snapshotSegmentMetricsTask } from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

// Segment metrics, compare and overlap on data whose numbers are worked out by hand below. The
// workspace is in UTC with the default business hours (Monday to Friday, 09:00 to 17:00);
// 2026-03-02 is a Monday.
let database: TestDatabase;
let ws: TestWorkspace;
let nowMs = Date.UTC(2026, 2, 2, 8);
const now = () => new Date(nowMs);
const at = (iso: string) => {
  nowMs = Date.parse(iso);
};
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const write = () => ({ authorization: `Bearer ${ws.writeKey}` });
let sent = 0;
async function batch(messages: object[]) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: messages.map((m) => ({ messageId: `m${sent++}`, timestamp: now().toISOString(), ...m })) },
  });
  expect(response.statusCode, response.body).toBe(200);
  await worker.drain();
}
async function post(url: string, payload: object, headers = write()) {
  const response = await app.inject({ method: 'POST', url, headers, payload });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json<{ id: string }>();
}
async function patchTicket(id: string, payload: object) {
  const response = await app.inject({ method: 'PATCH', url: `/api/v1/tickets/${id}`, headers: write(), payload });
  expect(response.statusCode, response.body).toBe(200);
}
async function get<T>(url: string): Promise<T> {
  const response = await app.inject({ url, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}
const survey = (userId: string, kind: 'csat' | 'nps', score: number) =>
  post('/api/v1/surveys/responses', { userId, kind, score, submittedAt: now().toISOString() });
type Point = Record<string, number | null> & { at: string };

describe('segment analytics', () => {
  it('counts a profile in a day it was a member, from the membership history', async () => {
    // MRR history from January: acme 100, beta 50, gamma 30.
    at('2026-01-20T00:00:00Z');
    await batch([
      { type: 'identify', userId: 'ada', traits: { plan: 'pro' } },
      { type: 'identify', userId: 'bob', traits: { plan: 'pro' } },
      { type: 'identify', userId: 'cyd', traits: { plan: 'pro' } },
      { type: 'identify', userId: 'dan', traits: { plan: 'free' } },
      { type: 'group', userId: 'ada', groupId: 'acme', traits: { mrr: 100 } },
      { type: 'group', userId: 'bob', groupId: 'acme' },
      { type: 'group', userId: 'cyd', groupId: 'beta', traits: { mrr: 50 } },
      { type: 'group', userId: 'dan', groupId: 'gamma', traits: { mrr: 30 } },
    ]);

    // Monday 08:00: ada, bob and cyd enter `pros`.
    at('2026-03-02T08:00:00Z');
    for (const [key, rule] of [
      ['pros', 'plan = "pro"'],
      ['everyone', 'plan = "pro" or plan = "free"'],
    ])
      await post('/api/v1/segments', { key, name: key, target: 'person', rule }, admin());
    await worker.drain();
    // T1 (ada): created 08:00, answered 10:00 (120 min; 60 in business hours), solved 12:00 (240; 180).
    const t1 = await post('/api/v1/tickets', { externalId: 'T1', userId: 'ada', subject: 'a', firstResponseAt: '2026-03-02T10:00:00Z' });
    // T2 (bob): created 16:00, answered Tuesday 10:00 (1080 min; 60 + 60 in business hours), never solved.
    at('2026-03-02T16:00:00Z');
    await post('/api/v1/tickets', { externalId: 'T2', userId: 'bob', subject: 'b', firstResponseAt: '2026-03-03T10:00:00Z' });
    // T3 (cyd): solved then reopened, so it counts for the reopen rate and has no resolution time.
    at('2026-03-02T13:00:00Z');
    const t3 = await post('/api/v1/tickets', { externalId: 'T3', userId: 'cyd', subject: 'c' });
    // dan is no member: his ticket and answers count only for the workspace.
    await post('/api/v1/tickets', { externalId: 'T4', userId: 'dan', subject: 'd', firstResponseAt: '2026-03-02T13:30:00Z' });
    at('2026-03-02T12:00:00Z');
    await patchTicket(t1.id, { status: 'solved' });
    at('2026-03-02T14:00:00Z');
    await patchTicket(t3.id, { status: 'solved' });
    at('2026-03-02T15:00:00Z');
    await patchTicket(t3.id, { status: 'open' });
    await survey('ada', 'csat', 5);
    await survey('bob', 'csat', 3);
    await survey('cyd', 'nps', 10);
    await survey('ada', 'nps', 5);
    await survey('dan', 'csat', 1);

    // Tuesday noon: cyd leaves; gamma stops paying.
    at('2026-03-03T12:00:00Z');
    await batch([
      { type: 'identify', userId: 'cyd', traits: { plan: 'free' } },
      { type: 'group', userId: 'dan', groupId: 'gamma', traits: { mrr: 0 } },
    ]);
    // Wednesday: eve enters with a new account; cyd answers, no longer a member; ada answers.
    at('2026-03-04T10:00:00Z');
    await batch([
      { type: 'identify', userId: 'eve', traits: { plan: 'pro' } },
      { type: 'group', userId: 'eve', groupId: 'delta', traits: { mrr: 20 } },
    ]);
    await survey('cyd', 'csat', 1);
    await survey('ada', 'csat', 4);
    at('2026-03-04T18:00:00Z');

    const { series } = await get<{ series: Point[] }>('/api/v1/segments/pros/metrics?from=2026-03-02&to=2026-03-04');
    expect(series.map((p) => p.at)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    const [monday, tuesday, wednesday] = series as [Point, Point, Point];
    expect(monday).toMatchObject({ size: 3, entered: 3, exited: 0, mrr: 150, arr: 1800, arpa: 75 });
    expect(monday).toMatchObject({ csat: 4, csatSatisfied: 0.5, nps: 0, npsPromoters: 1, npsDetractors: 1, npsResponses: 2 });
    expect(monday).toMatchObject({ tickets: 3, ticketsPerAccount: 1.5, contactRatio: 1, reopenRate: 1 / 3 });
    // Medians and 90th percentiles (linear between the closest ranks) of [120, 1080] and [60, 120].
    expect(monday).toMatchObject({ firstResponseMedian: 600, firstResponseP90: 984, firstResponseBusinessMedian: 90 });
    expect(monday.firstResponseBusinessP90).toBeCloseTo(114, 6);
    expect(monday).toMatchObject({ resolutionMedian: 240, resolutionBusinessMedian: 180 });
    // cyd left at noon: a member that day, not at its end.
    expect(tuesday).toMatchObject({ size: 2, entered: 0, exited: 1, tickets: 0, csat: null, mrr: 100 });
    expect(tuesday.contactRatio).toBe(0);
    // cyd's answer of 1 on Wednesday is not the segment's: only ada's 4 is.
    expect(wednesday).toMatchObject({ size: 3, entered: 1, exited: 0, csat: 4, csatSatisfied: 1, mrr: 120 });

    // The week counts what its days count (not cyd's Wednesday answer), and its end is now.
    const week = await get<{ series: Point[] }>(
      '/api/v1/segments/pros/metrics?from=2026-03-02&to=2026-03-04&interval=week&metrics=size,csat,tickets',
    );
    expect(week.series).toEqual([{ at: '2026-03-02', size: 3, csat: 4, tickets: 3 }]);
  });

  it('reads stored days once snapshotted, and backfills them as a job with progress', async () => {
    const started = await app.inject({
      method: 'POST',
      url: '/api/v1/analytics/snapshots/backfill',
      headers: admin(),
      payload: { from: '2026-03-02', to: '2026-03-03' },
    });
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json<{ id: string }>();
    expect(await get(`/api/v1/analytics/snapshots/backfill/${id}`)).toMatchObject({
      status: 'queued',
      from: '2026-03-02',
      to: '2026-03-03',
    });
    // The job, run here rather than by a job runner (the test app has none).
    await backfillSegmentMetrics(workspaceScope(database.db, ws.workspace.id, now), {
      id,
      fromDay: '2026-03-02',
      toDay: '2026-03-03',
      startedAt: now(),
    });
    expect(await get(`/api/v1/analytics/snapshots/backfill/${id}`)).toMatchObject({ status: 'done', done: 4, total: 4 });
    // A stored day answers as computed: the same numbers.
    const { series } = await get<{ series: Point[] }>(
      '/api/v1/segments/pros/metrics?from=2026-03-02&to=2026-03-02&metrics=size,csat,firstResponseMedian',
    );
    expect(series[0]).toEqual({ at: '2026-03-02', size: 3, csat: 4, firstResponseMedian: 600 });
    // The series always reaches today.
    expect(series.map((p) => p.at)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
  });

  it('compares segments with the workspace as a whole, with a test and its n', async () => {
    const result = await get<{
      segments: Array<{
        key: string;
        metrics: Record<string, { value: number | null; workspace: number | null; difference: number | null; significance: unknown }>;
      }>;
      workspace: { person: Record<string, number | null> };
      assumptions: { clv: string };
    }>(
      '/api/v1/analytics/compare?segments=pros&from=2026-03-02&to=2026-03-04&metrics=csat,csatSatisfied,mrr,logoRetention30,revenueRetention30,churnRate,clv',
    );
    const pros = result.segments[0]!.metrics;
    // Workspace CSAT in the period: 5, 3, 1 (dan), 1 (cyd), 4: mean 2.8; the segment's: 5, 3, 4 (cyd left before answering 1).
    expect(pros.csat).toMatchObject({ value: 4, workspace: 2.8 });
    expect(pros.csat!.difference).toBeCloseTo(1.2, 9);
    expect(pros.csat!.significance).toMatchObject({ test: 'means', n: 3, workspaceN: 5 });
    expect(pros.csatSatisfied!.significance).toMatchObject({ test: 'proportions', n: 3, workspaceN: 5 });
    expect(pros.mrr!.significance).toBeNull();
    // The workspace's accounts paying 30 days before now: acme, beta, gamma (180); gamma stopped (150 left).
    expect(result.workspace.person).toMatchObject({ logoRetention30: 2 / 3, churnRate: 1 / 3, mrr: 170 });
    expect(result.workspace.person.revenueRetention30).toBeCloseTo(150 / 180, 9);
    // CLV = ARPA (170 / 3) x 0.8 / (1 / 3) = 136.
    expect(result.workspace.person.clv).toBe(136);
    expect(result.assumptions.clv).toContain('gross margin 0.8');
  });

  it('gives the overlap of segments of one target: shared members, Jaccard and containment', async () => {
    const overlap = await get<Record<string, unknown>>('/api/v1/analytics/overlap?segments=pros,everyone');
    expect(overlap).toEqual({
      target: 'person',
      segments: ['pros', 'everyone'],
      sizes: [3, 5],
      matrix: [
        [3, 3],
        [3, 5],
      ],
      jaccard: [
        [1, 0.6],
        [0.6, 1],
      ],
      containment: [
        [1, 1],
        [0.6, 1],
      ],
    });
    const all = await get<{ segments: string[] }>('/api/v1/analytics/overlap?target=person');
    expect(all.segments).toEqual(['everyone', 'pros']);
  });

  it('retains the cohort of members paying a window before the period end', async () => {
    // 13 March: ada, bob (acme, 100) and eve (delta, 20) are members. acme stops paying in April.
    at('2026-04-01T00:00:00Z');
    await batch([{ type: 'group', userId: 'ada', groupId: 'acme', traits: { mrr: 0 } }]);
    at('2026-04-12T12:00:00Z');
    const { series } = await get<{ series: Point[] }>(
      '/api/v1/segments/pros/metrics?from=2026-04-11&to=2026-04-11&metrics=logoRetention30,revenueRetention30,churnRate',
    );
    expect(series[0]).toEqual({ at: '2026-04-11', logoRetention30: 0.5, revenueRetention30: 20 / 120, churnRate: 0.5 });
  });

  it('stores yesterday for every segment in the daily job', async () => {
    // The clock is at 2026-04-12 noon (UTC workspace): yesterday is 2026-04-11.
    await snapshotSegmentMetricsTask.run(
      { workspaceId: ws.workspace.id },
      {
        db: database.db,
        now,
        attempt: 1,
        maxAttempts: 3,
        lastAttempt: false,
        log: () => undefined,
        services: { post: () => Promise.reject(new Error('no network here')) },
      },
    );
    const stored = await database.owner
      .selectFrom('segment_metric_days')
      .select(['segment_key', sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day')])
      .where('workspace_id', '=', ws.workspace.id)
      .where('day', '=', '2026-04-11')
      .orderBy('segment_key')
      .execute();
    expect(stored).toEqual([
      { segment_key: 'everyone', day: '2026-04-11' },
      { segment_key: 'pros', day: '2026-04-11' },
    ]);
    const { series } = await get<{ series: Point[] }>(
      '/api/v1/segments/pros/metrics?from=2026-04-11&to=2026-04-11&metrics=size,logoRetention30',
    );
    expect(series[0]).toEqual({ at: '2026-04-11', size: 3, logoRetention30: 0.5 });
  });

  it('warns about the segmentation with the numbers behind it, on floors the workspace sets', async () => {
    type Warning = { code: string; segments: string[]; message: string } & Record<string, unknown>;
    const codes = (warnings: Warning[]) => warnings.map((w) => `${w.code}:${w.segments.join('+')}`).sort();
    // 5 people, all in `everyone`; pros holds 3. Nothing reads either; no account segment exists.
    const before = await get<Warning[]>('/api/v1/analytics/warnings');
    expect(codes(before)).toEqual(['giant:everyone', 'tiny:everyone', 'tiny:pros', 'uncovered:', 'unused:everyone', 'unused:pros']);
    expect(before.find((w) => w.code === 'giant')).toMatchObject({ share: 1, ceilingShare: 0.8 });
    expect(before.find((w) => w.code === 'uncovered')).toMatchObject({ target: 'account', profiles: 4, inNoSegment: 4 });

    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/settings/analytics',
      headers: admin(),
      payload: { tinyMembers: 3, giantShare: 1, uncoveredShare: 1 },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(await get('/api/v1/settings/analytics')).toMatchObject({ tinyMembers: 3, giantShare: 1, grossMargin: 0.8 });
    expect(codes(await get<Warning[]>('/api/v1/analytics/warnings'))).toEqual(['unused:everyone', 'unused:pros']);
    // Asked for, the mixed warnings run too: no segment here has the 20 members a split needs.
    expect(codes(await get<Warning[]>('/api/v1/analytics/warnings?mixed=true'))).toEqual(['unused:everyone', 'unused:pros']);
    const badQuery = await app.inject({ url: '/api/v1/analytics/warnings?mixed=maybe', headers: admin() });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.body).toContain('mixed');
    const bad = await app.inject({ method: 'PUT', url: '/api/v1/settings/analytics', headers: admin(), payload: { grossMargin: 2 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('grossMargin');
  });

  it('refuses a bad parameter, naming it', async () => {
    const bad = async (url: string, field: string) => {
      const response = await app.inject({ url, headers: admin() });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json<{ error: { message: string } }>().error.message).toContain(field);
    };
    await bad('/api/v1/segments/pros/metrics?interval=year', 'interval');
    await bad('/api/v1/segments/pros/metrics?from=2026-02-30', 'from');
    await bad('/api/v1/segments/pros/metrics?from=2026-03-05&to=2026-03-01', 'from');
    await bad('/api/v1/segments/pros/metrics?metrics=size,happiness', 'happiness');
    await bad('/api/v1/analytics/compare?segments=pros,nope', 'nope');
    await bad('/api/v1/analytics/overlap?segments=pros,nope', 'nope');
    const missing = await app.inject({ url: '/api/v1/segments/nope/metrics', headers: admin() });
    expect(missing.statusCode).toBe(404);
  });
});
