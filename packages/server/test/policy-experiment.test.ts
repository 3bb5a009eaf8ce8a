import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function call(method: 'GET' | 'PUT' | 'POST' | 'PATCH', url: string, payload?: unknown, write = false) {
  const authorization = write ? basicAuth(ws.writeKey) : `Bearer ${ws.adminKey}`;
  const response = await app.inject({ method, url, headers: { authorization }, ...(payload ? { payload: payload } : {}) });
  return { status: response.statusCode, body: response.json() };
}

interface Metric {
  key: string;
  treatment: { n: number; value: number | null };
  holdout: { n: number; value: number | null };
  difference: number | null;
  ci: { low: number; high: number } | null;
  pValue: number | null;
  warnings: string[];
}

it('holds a share of customers out of a policy by account and compares the two groups on CSAT, response times and reopens', async () => {
  const tooMany = await call('PUT', '/api/v1/support-policies/faster', {
    name: 'Faster',
    position: 1,
    when: 'subject is set',
    set: { priority: 'urgent' },
    experiment: { holdoutPercent: 80 },
  });
  expect(tooMany.status).toBe(400);
  expect(JSON.stringify(tooMany.body)).toContain('holdoutPercent');
  const saved = await call('PUT', '/api/v1/support-policies/faster', {
    name: 'Faster',
    position: 1,
    when: 'subject is set',
    set: { priority: 'urgent' },
    experiment: { holdoutPercent: 50 },
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  expect(saved.body.experiment).toEqual({ holdoutPercent: 50 });

  // 60 customers, one account each; the first ten write twice: both their tickets land in one arm.
  const created = Date.now() - 3 * 3_600_000;
  const arms = new Map<string, 'treatment' | 'holdout'>();
  const byArm = { treatment: [] as number[], holdout: [] as number[] };
  for (let i = 0; i < 70; i++) {
    const customer = i % 60;
    const ticket = await call(
      'POST',
      '/api/v1/tickets',
      {
        userId: `u${customer}`,
        groupId: `acct-${customer}`,
        subject: 'Help',
        priority: 'normal',
        createdAt: new Date(created).toISOString(),
      },
      true,
    );
    expect(ticket.status, JSON.stringify(ticket.body)).toBeLessThan(300);
    const policy = (await call('GET', `/api/v1/tickets/${ticket.body.id}`)).body.policy as { priority: string; heldOut: string[] };
    const arm = policy.heldOut.includes('faster') ? 'holdout' : 'treatment';
    expect(policy.priority).toBe(arm === 'holdout' ? 'normal' : 'urgent');
    if (arms.has(`acct-${customer}`)) expect(arm, `acct-${customer}'s second ticket`).toBe(arms.get(`acct-${customer}`));
    arms.set(`acct-${customer}`, arm);
    // Treated customers are answered within 10-12 minutes and happy; held-out ones within 60-64 and not.
    const minutes = arm === 'treatment' ? 10 + (i % 3) : 60 + (i % 5);
    byArm[arm].push(minutes);
    const answered = await call(
      'PATCH',
      `/api/v1/tickets/${ticket.body.id}`,
      { firstResponseAt: new Date(created + minutes * 60_000).toISOString(), csat: { score: arm === 'treatment' ? 5 : 2 } },
      true,
    );
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
  }

  const readout = await call('GET', '/api/v1/support-policies/faster/experiment');
  expect(readout.status, JSON.stringify(readout.body)).toBe(200);
  const { arms: counts, metrics } = readout.body as { arms: Record<string, { tickets: number; accounts: number }>; metrics: Metric[] };
  expect(counts['treatment']!.tickets).toBe(byArm.treatment.length);
  expect(counts['holdout']!.tickets).toBe(byArm.holdout.length);
  expect(counts['treatment']!.accounts + counts['holdout']!.accounts).toBe(60);
  // A 50% holdout of 60 accounts: far from all or none.
  expect(counts['holdout']!.accounts).toBeGreaterThan(15);
  expect(counts['holdout']!.accounts).toBeLessThan(45);

  const metric = (key: string) => metrics.find((m) => m.key === key)!;
  expect(metric('csat-satisfied')).toMatchObject({ treatment: { value: 1 }, holdout: { value: 0 }, difference: 1 });
  expect(metric('csat-satisfied').pValue).toBeLessThan(0.001);
  const average = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const response = metric('first-response-minutes');
  expect(response.treatment.n).toBe(byArm.treatment.length);
  expect(response.difference).toBeCloseTo(average(byArm.treatment) - average(byArm.holdout), 2);
  expect(response.pValue).toBeLessThan(0.001);
  expect(response.ci!.high).toBeLessThan(0);
  // Nothing solved yet: no reopen rate to compare, and the readout says so rather than guessing.
  expect(metric('reopen-rate')).toMatchObject({ difference: null, pValue: null });
  expect(metric('reopen-rate').warnings[0]).toContain('no one measured');

  const plain = await call('PUT', '/api/v1/support-policies/plain', {
    name: 'Plain',
    position: 2,
    when: 'subject is set',
    set: { tags: ['x'] },
  });
  expect(plain.status).toBe(201);
  const none = await call('GET', '/api/v1/support-policies/plain/experiment');
  expect(none.status).toBe(404);
  expect(none.body.error.message).toContain('runs no experiment');
});
