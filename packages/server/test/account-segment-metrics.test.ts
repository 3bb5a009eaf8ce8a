import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

// The money and retention metrics of a segment of accounts, worked out by hand on six accounts
// whose MRR and plan change over a year. The workspace is in UTC. The segment `pro-accounts`
// (plan = "pro") exists from 1 June 2025, so its membership history covers every window.
//
//   account  people  history (MRR; plan)
//   acme     ada     pro from the start: 100, 150 from 1 May 2026 (expansion)
//   beta     bob     pro from the start: 200, 0 from 10 June 2026 (churned, still on the plan)
//   gamma    gia     pro from 1 March 2026: 50
//   delta    dee     basic, 80; pro from 15 June 2026 (enters the segment)
//   eps      eli     pro from the start: 60; basic from 20 June 2026 noon (leaves, still paying)
//   zeta     zed     basic, 1000: never a member
let database: TestDatabase;
let ws: TestWorkspace;
let nowMs = Date.parse('2025-06-01T00:00:00Z');
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
let sent = 0;
/** An account's traits from now on; the MRR history takes each `mrr` at the message's time. */
async function account(userId: string, groupId: string, traits: Record<string, unknown>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: [{ type: 'group', userId, groupId, traits, messageId: `m${sent++}`, timestamp: now().toISOString() }] },
  });
  expect(response.statusCode, response.body).toBe(200);
  await worker.drain();
}
async function ticket(externalId: string, userId: string, groupId: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/tickets',
    headers: admin(),
    payload: { externalId, userId, groupId, subject: externalId },
  });
  expect(response.statusCode, response.body).toBe(201);
}
async function get<T>(url: string): Promise<T> {
  const response = await app.inject({ url, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}
type Point = Record<string, number | null> & { at: string };

describe('metrics of a segment of accounts, worked by hand', () => {
  beforeAll(async () => {
    await account('ada', 'acme', { plan: 'pro', mrr: 100 });
    await account('bob', 'beta', { plan: 'pro', mrr: 200 });
    await account('dee', 'delta', { plan: 'basic', mrr: 80 });
    await account('eli', 'eps', { plan: 'pro', mrr: 60 });
    await account('zed', 'zeta', { plan: 'basic', mrr: 1000 });
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: admin(),
      payload: { key: 'pro-accounts', name: 'Pro accounts', target: 'account', rule: 'plan = "pro"' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await worker.drain();

    at('2026-03-01T00:00:00Z');
    await account('gia', 'gamma', { plan: 'pro', mrr: 50 });
    at('2026-05-01T00:00:00Z');
    await account('ada', 'acme', { mrr: 150 });
    at('2026-06-05T10:00:00Z');
    await ticket('A1', 'ada', 'acme');
    await ticket('A2', 'ada', 'acme');
    at('2026-06-10T10:00:00Z');
    await account('bob', 'beta', { mrr: 0 });
    // delta is not yet a member: its ticket is not the segment's.
    await ticket('D1', 'dee', 'delta');
    at('2026-06-15T09:00:00Z');
    await account('dee', 'delta', { plan: 'pro' });
    at('2026-06-20T12:00:00Z');
    await account('eli', 'eps', { plan: 'basic' });
    at('2026-06-20T15:00:00Z');
    // eps left at noon and delta is a member: both tickets of the day are the segment's.
    await ticket('E1', 'eli', 'eps');
    await ticket('D2', 'dee', 'delta');
    at('2026-06-25T10:00:00Z');
    // eps is no member on this day, zeta never was.
    await ticket('E2', 'eli', 'eps');
    await ticket('Z1', 'zed', 'zeta');
    at('2026-07-01T06:00:00Z');
  }, 120_000);

  it('gives June (ending 1 July 00:00) its size, money, retention, churn, CLV and ticket ratios', async () => {
    const { series } = await get<{ series: Point[] }>('/api/v1/segments/pro-accounts/metrics?from=2026-06-01&interval=month');
    expect(series.map((p) => p.at)).toEqual(['2026-06-01', '2026-07-01']);
    const june = series[0]!;
    // At June's end: acme 150, beta 0, gamma 50, delta 80 (eps left): 280 over 3 paying accounts.
    expect(june).toMatchObject({ size: 4, entered: 1, exited: 1, mrr: 280, arr: 3360 });
    expect(june.arpa).toBe(93.33);
    // 30 days before the end (1 June): acme 150, beta 200, gamma 50, eps 60 paid (460); at the end
    // beta pays nothing and eps, no longer a member, still pays 60: 3 of 4 accounts, 260 of 460.
    expect(june).toMatchObject({ logoRetention30: 3 / 4, churnRate: 1 / 4 });
    expect(june.revenueRetention30).toBeCloseTo(260 / 460, 9);
    // 90 days before (2 April): the same accounts, acme still at 100: 410, of which 260 remain.
    expect(june.logoRetention90).toBe(3 / 4);
    expect(june.revenueRetention90).toBeCloseTo(260 / 410, 9);
    // 365 days before (1 July 2025): acme 100, beta 200, eps 60 (gamma came later): 210 of 360.
    expect(june.logoRetention365).toBe(2 / 3);
    expect(june.revenueRetention365).toBeCloseTo(210 / 360, 9);
    // CLV = ARPA (280 / 3) x 0.8 / churn 0.25, to the cent.
    expect(june.clv).toBe(Math.round(((280 / 3) * 0.8 * 100) / 0.25) / 100);
    // Tickets of members on their day: A1, A2 (acme), E1 (eps, the day it left), D2 (delta): 4, over
    // the 5 accounts that were members in June; 3 of them created one.
    expect(june).toMatchObject({ tickets: 4, ticketsPerAccount: 4 / 5, contactRatio: 3 / 5 });
  });

  it('applies the gross margin setting to CLV and shows the assumption', async () => {
    const put = await app.inject({ method: 'PUT', url: '/api/v1/settings/analytics', headers: admin(), payload: { grossMargin: 0.6 } });
    expect(put.statusCode, put.body).toBe(200);
    const answer = await get<{ series: Point[]; assumptions: { clv: string } }>(
      '/api/v1/segments/pro-accounts/metrics?from=2026-06-01&interval=month&metrics=clv,arpa,churnRate',
    );
    expect(answer.series[0]).toEqual({
      at: '2026-06-01',
      clv: Math.round(((280 / 3) * 0.6 * 100) / 0.25) / 100,
      arpa: 93.33,
      churnRate: 0.25,
    });
    expect(answer.assumptions.clv).toContain('gross margin 0.6');
  });

  it('reads a day inside the month from the same history: 16 June, delta a member and eps not yet gone', async () => {
    const { series } = await get<{ series: Point[] }>(
      '/api/v1/segments/pro-accounts/metrics?from=2026-06-16&to=2026-06-16&metrics=size,mrr,arpa,logoRetention30,revenueRetention30,tickets',
    );
    // The end of 16 June: acme 150, beta 0, gamma 50, delta 80, eps 60: 340 over 4 paying. 30 days
    // before (18 May): acme 150, beta 200, gamma 50, eps 60 (460), of which beta stopped: 260.
    expect(series[0]).toEqual({
      at: '2026-06-16',
      size: 5,
      mrr: 340,
      arpa: 85,
      logoRetention30: 0.75,
      revenueRetention30: 260 / 460,
      tickets: 0,
    });
  });

  it('compares the segment with every account of the workspace', async () => {
    const result = await get<{ workspace: { account: Record<string, number | null> } }>(
      '/api/v1/analytics/compare?segments=pro-accounts&from=2026-06-01&to=2026-06-30&metrics=mrr,arpa,logoRetention30,ticketsPerAccount',
    );
    // Every account now (1 July 06:00): 150 + 0 + 50 + 80 + 60 + 1000 = 1340 over 5 paying.
    // 30 days before: the five paying then (acme, beta, gamma, eps, zeta; delta too, on basic): 6 paying, 5 still.
    // Tickets A1, A2, D1, E1, D2, E2, Z1 over 6 accounts.
    expect(result.workspace.account).toMatchObject({ mrr: 1340, arpa: 268, logoRetention30: 5 / 6, ticketsPerAccount: 7 / 6 });
  });
});
