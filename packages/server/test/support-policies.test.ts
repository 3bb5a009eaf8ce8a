import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundRuntime } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: BackgroundRuntime;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database);
  runtime = new BackgroundRuntime({
    db: database.db,
    pool: database.pool,
    now: () => new Date(),
    services: { post: () => Promise.reject(new Error('no network in this test')) },
    subscriberPollMs: 100,
  });
  await runtime.start();
  await group('acme', 100);
});
afterAll(async () => {
  await runtime.stop();
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  return app.inject({ method, url, headers: admin(), ...(payload === undefined ? {} : { payload: payload as object }) });
}
async function group(groupId: string, mrr: number) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/group',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId: 'ada', groupId, traits: { mrr, plan: 'pro' }, messageId: `m-${randomBytes(6).toString('hex')}` },
  });
  expect(response.statusCode, response.body).toBe(200);
}
/** Polls until `probe` answers, with a deadline generous enough for a busy machine. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Decision {
  priority: string | null;
  queue: string | null;
  assignee: string | null;
  sla: { key: string; firstResponseDueAt: string | null; resolutionDueAt: string | null; breached: string[] } | null;
  matched: Array<{ policy: string; attribute: string }>;
  decidedAt: string;
}
const gold = {
  name: 'Gold',
  businessHours: false,
  targets: { urgent: { firstResponseMinutes: 30, resolutionMinutes: 240 }, normal: { firstResponseMinutes: 240, resolutionMinutes: 2880 } },
};

describe('SLA and support policies', () => {
  it('stores SLA policies and refuses a policy naming an unknown segment, SLA or a broken rule, storing nothing', async () => {
    expect((await call('PUT', '/api/v1/sla-policies/gold', gold)).statusCode).toBe(201);
    expect((await call('PUT', '/api/v1/sla-policies/gold', gold)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/sla-policies')).json()).toEqual([{ key: 'gold', ...gold }]);
    const noTargets = await call('PUT', '/api/v1/sla-policies/empty', { ...gold, targets: {} });
    expect(noTargets.statusCode).toBe(400);
    expect(noTargets.body).toContain('at least one priority');

    const body = { name: 'VIP', position: 10, when: 'in segment "hi-value"', set: { priority: 'urgent', sla: 'silver' } };
    const refused = await call('PUT', '/api/v1/support-policies/vip', body);
    expect(refused.statusCode).toBe(400);
    const { message } = refused.json<{ error: { message: string } }>().error;
    expect(message).toContain('when: unknown segment "hi-value" - did you mean "high-value"?');
    expect(message).toContain('set.sla: unknown SLA policy "silver"');
    const broken = await call('PUT', '/api/v1/support-policies/vip', { ...body, when: 'count(tickets) > 1', set: {} });
    expect(broken.json<{ error: { message: string } }>().error.message).toContain('when: count(...) a ticket rule reads one ticket');
    expect((await call('GET', '/api/v1/support-policies/vip')).statusCode).toBe(404);

    const segment = await call('POST', '/api/v1/segments', { key: 'tickets-x', name: 'X', target: 'ticket', rule: 'channel = "email"' });
    expect(segment.statusCode).toBe(400);
    expect(segment.body).toContain('a rule about tickets is the \\"when\\" of a support policy');
  });

  it('lists policies by position and will not delete an SLA policy in use', async () => {
    const noQueue = await call('PUT', '/api/v1/support-policies/email', {
      name: 'Email queue',
      position: 20,
      when: 'channel = "email"',
      set: { queue: 'email' },
    });
    expect(noQueue.statusCode).toBe(400);
    expect(noQueue.body).toContain('set.queue: unknown queue \\"email\\"');
    for (const [key, agent] of [
      ['email', 'eve@support.example'],
      ['vip', 'vic@support.example'],
    ])
      expect((await call('PUT', `/api/v1/queues/${key}`, { name: key, agents: [{ email: agent }] })).statusCode).toBe(201);
    const late = await call('PUT', '/api/v1/support-policies/email', {
      name: 'Email queue',
      position: 20,
      when: 'channel = "email"',
      set: { queue: 'email', tags: ['email'] },
    });
    expect(late.statusCode, late.body).toBe(201);
    const vip = await call('PUT', '/api/v1/support-policies/vip', {
      name: 'VIP',
      position: 10,
      when: 'in segment "high-value" and channel = "email"',
      set: { priority: 'urgent', sla: 'gold', queue: 'vip' },
    });
    expect(vip.statusCode, vip.body).toBe(201);
    expect(vip.json()).toMatchObject({ key: 'vip', when: 'in segment "high-value" and channel = "email"' });
    const list = (await call('GET', '/api/v1/support-policies')).json<Array<{ key: string }>>();
    expect(list.map((p) => p.key)).toEqual(['vip', 'email']);
    const inUse = await call('DELETE', '/api/v1/sla-policies/gold');
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json<{ error: { message: string } }>().error.message).toContain('used by support policy "vip"');
  });

  it("raises an open ticket's priority and SLA when its account enters high-value and lowers them when it leaves", async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { authorization: `Bearer ${ws.writeKey}` },
      payload: { externalId: 'T-1', userId: 'ada', groupId: 'acme', subject: 'Invoice', channel: 'email', priority: 'normal' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const policy = async () => (await call('GET', `/api/v1/tickets/${id}`)).json<{ policy: Decision }>().policy;
    expect(await policy()).toMatchObject({
      priority: 'normal',
      queue: 'email',
      sla: null,
      matched: [
        { policy: 'email', attribute: 'queue' },
        { policy: 'email', attribute: 'tags' },
      ],
    });

    await group('acme', 5000);
    const raised = await until('the ticket to be raised', async () => {
      const now = await policy();
      return now.priority === 'urgent' ? now : undefined;
    });
    expect(raised).toMatchObject({ queue: 'vip', sla: { key: 'gold', breached: [] } });
    // The new queue routes it to its agent (a job).
    await until('the ticket to be routed to the VIP queue', async () =>
      (await policy()).assignee === 'vic@support.example' ? true : undefined,
    );
    const createdAt = Date.parse(created.json<{ createdAt: string }>().createdAt);
    expect(Date.parse(raised.sla!.firstResponseDueAt!)).toBe(createdAt + 30 * 60_000);

    await group('acme', 100);
    await until('the ticket to be lowered', async () => ((await policy()).priority === 'normal' ? true : undefined));
    const decisions = (await call('GET', `/api/v1/tickets/T-1/decisions`)).json<Array<Decision & { cause: string }>>();
    expect(decisions.map((d) => d.cause)).toEqual(['segment-exited:high-value', 'segment-entered:high-value', 'ticket-created']);
    expect(decisions[0]).toMatchObject({ priority: 'normal', sla: null, queue: 'email' });
  });

  it('reorders every policy at once, refusing a list that leaves one out or names one twice', async () => {
    const before = (await call('GET', '/api/v1/support-policies')).json<Array<{ key: string }>>().map((p) => p.key);
    expect(before.length).toBeGreaterThan(1);
    const reversed = [...before].reverse();
    const missing = await call('POST', '/api/v1/support-policies/reorder', { keys: reversed.slice(1) });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain(`keys: missing: ${before.at(-1)!}`);
    const twice = await call('POST', '/api/v1/support-policies/reorder', { keys: [...reversed, reversed[0], 'nope'] });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('no support policy \\"nope\\"');
    expect(twice.body).toContain(`listed more than once: ${reversed[0]}`);
    expect((await call('GET', '/api/v1/support-policies')).json<Array<{ key: string }>>().map((p) => p.key)).toEqual(before);

    const reordered = await call('POST', '/api/v1/support-policies/reorder', { keys: reversed });
    expect(reordered.statusCode, reordered.body).toBe(200);
    const listed = (await call('GET', '/api/v1/support-policies')).json<Array<{ key: string; position: number }>>();
    expect(listed.map((p) => p.key)).toEqual(reversed);
    expect(listed.map((p) => p.position)).toEqual(reversed.map((_, i) => (i + 1) * 10));
    // Put back, so the tests after this one see the order they expect.
    expect((await call('POST', '/api/v1/support-policies/reorder', { keys: before })).statusCode).toBe(200);
  });

  it('previews a policy without saving it, then re-decides the open tickets when it is saved', async () => {
    const body = { name: 'Email first', position: 0, when: 'channel = "email"', set: { priority: 'high' } };
    const preview = await call('POST', '/api/v1/support-policies/preview', body);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      openTickets: 1,
      changed: 1,
      samples: [{ before: { priority: 'normal' }, after: { priority: 'high' } }],
    });
    expect((await call('GET', '/api/v1/support-policies/preview')).statusCode).toBe(404);

    expect((await call('PUT', '/api/v1/support-policies/email-first', body)).statusCode).toBe(201);
    const decisions = await until('the policy change to reach the ticket', async () => {
      const all = (await call('GET', '/api/v1/tickets/T-1/decisions')).json<Array<Decision & { cause: string }>>();
      return all[0]?.cause === 'policy-changed:email-first' ? all : undefined;
    });
    expect(decisions[0]).toMatchObject({
      priority: 'high',
      matched: [
        { policy: 'email-first', attribute: 'priority' },
        { policy: 'email', attribute: 'queue' },
        { policy: 'email', attribute: 'tags' },
      ],
    });
    const progress = await until('the re-decision to finish', async () => {
      const stored = (await call('GET', '/api/v1/support-policies/email-first')).json<{
        redecision: { status: string; done: number; total: number } | null;
      }>();
      return stored.redecision?.status === 'done' ? stored.redecision : undefined;
    });
    expect(progress).toMatchObject({ done: 1, total: 1 });
  });

  it('counts the decisions it announced in /metrics, and webhooks may subscribe to support events', async () => {
    const metrics = await app.inject({ url: '/metrics' });
    const decided = /^strata_support_events_total\{type="ticket.decided"\} (\d+)$/m.exec(metrics.body);
    expect(Number(decided?.[1])).toBeGreaterThanOrEqual(4);
    const hook = await call('PUT', '/api/v1/webhooks/sla', {
      url: 'https://hooks.example/sla',
      events: ['sla.warning', 'sla.breached', 'ticket.decided'],
    });
    expect(hook.statusCode, hook.body).toBe(201);
  });

  it('answers what a customer is entitled to, with the policy and segment behind it', async () => {
    const phone = await call('PUT', '/api/v1/support-policies/phone-for-high-value', {
      name: 'Phone for high value',
      position: 5,
      when: 'in segment "high-value"',
      set: { channels: ['phone', 'email'], sla: 'gold' },
    });
    expect(phone.statusCode, phone.body).toBe(201);
    type Entitlements = Record<'channels' | 'sla' | 'queue' | 'priority', { value: unknown; policy: string | null; segments: string[] }>;
    const of = async (path: string) => (await call('GET', `/api/v1/${path}/entitlements`)).json<Entitlements>();
    expect((await of('accounts/acme')).channels).toEqual({ value: null, policy: null, segments: [] });

    await group('acme', 5000);
    const account = await until('acme to be entitled to phone', async () => {
      const now = await of('accounts/acme');
      return now.channels.policy === null ? undefined : now;
    });
    expect(account).toMatchObject({
      channels: { value: ['phone', 'email'], policy: 'phone-for-high-value', segments: ['high-value'] },
      sla: { value: 'gold', policy: 'phone-for-high-value' },
      // The email queue's rule reads the ticket's channel: a customer who has not written yet is not in it.
      queue: { value: null, policy: null },
    });
    expect((await of('people/ada')).channels).toEqual(account.channels);
    expect((await call('GET', '/api/v1/people/nobody/entitlements')).statusCode).toBe(404);
  });

  it('validates every rule of the worked examples in docs/support-policies.md', async () => {
    const lowCsat = await call('POST', '/api/v1/segments', {
      key: 'low-csat',
      name: 'Low CSAT',
      target: 'account',
      rule: 'avg(tickets.csat within last 90 days) < 3',
    });
    expect(lowCsat.statusCode, lowCsat.body).toBe(201);
    const doc = readFileSync(new URL('../../../docs/support-policies.md', import.meta.url), 'utf8');
    const rules = [...doc.matchAll(/"when": "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(rules.length).toBeGreaterThanOrEqual(6);
    for (const rule of rules) {
      const checked = await call('POST', '/api/v1/segments/validate', { target: 'ticket', rule });
      expect(checked.json(), rule).toMatchObject({ ok: true });
    }
  });
});
