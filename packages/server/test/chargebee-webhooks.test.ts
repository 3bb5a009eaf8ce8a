import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

const fixtures = join(import.meta.dirname, '../../../test-support/fixtures/chargebee');
const nowMs = Date.UTC(2026, 2, 10, 12);
const credentials = { username: 'chargebee-hook', password: 'correct horse battery staple' };

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let webhookPath: string;
const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

interface ChargebeeEvent {
  id: string;
  occurred_at: number;
  content: Record<string, Record<string, unknown>>;
}

/** A fixture event with its own id, `minutes` after the fixtures' common time. */
function event(name: string, id: string, minutes = 0): ChargebeeEvent {
  const e = JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as ChargebeeEvent;
  return { ...e, id, occurred_at: e.occurred_at + minutes * 60 };
}

/** Posts an event to the webhook; `authorization` null sends none. */
function post(body: unknown, authorization: string | null = basic(credentials.username, credentials.password)) {
  return app.inject({
    method: 'POST',
    url: webhookPath,
    headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
    payload: JSON.stringify(body),
  });
}

async function deliver(body: unknown) {
  const response = await post(body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ status: string; detail?: string }>();
}

async function traitsOf(groupId: string) {
  const response = await app.inject({ url: `/api/v1/accounts/${groupId}`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ traits: Record<string, unknown> }>().traits;
}

async function storedCounts() {
  const result = await sql<{ accounts: number; events: number }>`
    SELECT
      (SELECT count(*) FROM accounts WHERE workspace_id = ${ws.workspace.id})::int AS accounts,
      (SELECT count(*) FROM events WHERE workspace_id = ${ws.workspace.id})::int AS events`.execute(database.owner);
  return result.rows[0]!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now: () => new Date(nowMs) });
  const connected = await app.inject({ method: 'PUT', url: '/api/v1/integrations/chargebee', headers: admin(), payload: credentials });
  expect(connected.statusCode, connected.body).toBe(200);
  webhookPath = new URL(connected.json<{ webhookUrl: string }>().webhookUrl).pathname;
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('connecting Chargebee', () => {
  it('names each missing credential, and never shows the password back', async () => {
    const missing = await app.inject({ method: 'PUT', url: '/api/v1/integrations/chargebee', headers: admin(), payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(
      missing
        .json<{ error: { details: Array<{ field: string }> } }>()
        .error.details.map((d) => d.field)
        .sort(),
    ).toEqual(['password', 'username']);
    const read = await app.inject({ url: '/api/v1/integrations/chargebee', headers: admin() });
    expect(read.json()).toMatchObject({ provider: 'chargebee', hasSecret: true });
    expect(read.body).not.toContain(credentials.password);
    expect(webhookPath).toMatch(/^\/webhooks\/chargebee\/[A-Za-z0-9_-]{43}$/);
  });
});

describe('Chargebee webhooks', { shuffle: false }, () => {
  it('refuses missing, wrong and foreign credentials with 401 and stores nothing', async () => {
    const before = await storedCounts();
    const body = event('subscription_created', 'ev_refused');
    expect((await post(body, null)).statusCode).toBe(401);
    expect((await post(body, basic(credentials.username, 'wrong password'))).statusCode).toBe(401);
    expect((await post(body, basic('someone-else', credentials.password))).statusCode).toBe(401);
    expect((await post(body, `Bearer ${credentials.password}`)).statusCode).toBe(401);
    expect((await post(body, basicAuth(ws.writeKey))).statusCode).toBe(401);
    expect(await storedCounts()).toEqual(before);
    const account = await app.inject({ url: '/api/v1/accounts/cb_cust_northwind', headers: admin() });
    expect(account.statusCode).toBe(404);
  });

  it('answers 400 naming the field for a body that is not an event, and stores nothing', async () => {
    const before = await storedCounts();
    const broken = event('subscription_activated', 'ev_broken') as unknown as Record<string, unknown>;
    delete broken['occurred_at'];
    const refused = await post(broken);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('occurred_at');
    const noSubscription = { ...event('subscription_changed', 'ev_no_subscription'), content: {} };
    const refusedAgain = await post(noSubscription);
    expect(refusedAgain.statusCode).toBe(400);
    expect(refusedAgain.body).toContain('content.subscription');
    const badTime = event('subscription_changed', 'ev_bad_time');
    badTime.content['subscription']!['next_billing_at'] = 'next month';
    const refusedTime = await post(badTime);
    expect(refusedTime.statusCode).toBe(400);
    expect(refusedTime.body).toContain('content.subscription.next_billing_at');
    expect(await storedCounts()).toEqual(before);
  });

  it('creates an account named by the customer id for an unknown customer, with trial traits', async () => {
    expect(await deliver(event('subscription_created', 'ev_1', 0))).toEqual({ status: 'stored', detail: 'cb_cust_northwind' });
    expect(await traitsOf('cb_cust_northwind')).toMatchObject({
      chargebee_customer_id: 'cb_cust_northwind',
      subscription_status: 'trialing',
      plan: 'growth-USD-monthly',
      mrr: 0,
      trial_ends_at: new Date(nowMs + 14 * 86_400_000).toISOString(),
    });
  });

  it('keeps billing traits current through activation, a plan change and a renewal, in major units', async () => {
    await deliver(event('subscription_activated', 'ev_2', 10));
    expect(await traitsOf('cb_cust_northwind')).toMatchObject({ subscription_status: 'active', mrr: 49, arr: 588, currency: 'usd' });
    await deliver(event('subscription_changed', 'ev_3', 20));
    expect(await traitsOf('cb_cust_northwind')).toMatchObject({ plan: 'scale-USD-yearly', mrr: 120, arr: 1440 });
    await deliver(event('subscription_renewed', 'ev_4', 30));
    expect(await traitsOf('cb_cust_northwind')).toMatchObject({
      plan: 'growth-USD-monthly',
      mrr: 49,
      renews_at: new Date(nowMs + 59 * 86_400_000).toISOString(),
    });
  });

  it('stores a redelivered event once', async () => {
    const before = await storedCounts();
    expect(await deliver(event('subscription_renewed', 'ev_4', 30))).toEqual({ status: 'duplicate' });
    expect(await storedCounts()).toEqual(before);
  });

  it('applies an event only when newer: a late older one changes nothing', async () => {
    const late = event('subscription_changed', 'ev_late', 25); // after the change at 20, before the renewal at 30
    expect(await deliver(late)).toMatchObject({ status: 'stored' });
    expect(await traitsOf('cb_cust_northwind')).toMatchObject({ plan: 'growth-USD-monthly', mrr: 49 });
  });

  it("marks failed and recovered payments, keeping the first paid invoice's time", async () => {
    await deliver(event('payment_failed', 'ev_5', 40));
    expect(await traitsOf('cb_cust_northwind')).toMatchObject({ delinquent: true });
    await deliver(event('payment_succeeded', 'ev_6', 50));
    const paid = await traitsOf('cb_cust_northwind');
    expect(paid).toMatchObject({ delinquent: false, first_invoice_at: new Date(nowMs + 50 * 60_000).toISOString() });
    await deliver(event('payment_succeeded', 'ev_7', 55));
    expect(await traitsOf('cb_cust_northwind')).toMatchObject({ first_invoice_at: new Date(nowMs + 50 * 60_000).toISOString() });
    const failed = await database.owner
      .selectFrom('events')
      .select(['name', 'properties'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('message_id', '=', 'chargebee:ev_5:event')
      .executeTakeFirstOrThrow();
    expect(failed).toEqual({ name: 'payment_failed', properties: { invoice_id: 'cb_inv_2', amount: 49, currency: 'usd' } });
  });

  it('follows trial reminders, customer changes and cancellation', async () => {
    await deliver(event('customer_changed', 'ev_8', 60));
    expect(await traitsOf('cb_cust_northwind')).toMatchObject({ currency: 'eur' });
    await deliver(event('subscription_cancelled', 'ev_9', 70));
    const churned = await traitsOf('cb_cust_northwind');
    expect(churned).toMatchObject({
      subscription_status: 'canceled',
      mrr: 0,
      arr: 0,
      renews_at: null,
      churned_at: new Date(nowMs).toISOString(),
    });
  });

  it('maps a customer to the account whose chargebee_customer_id trait holds its id', async () => {
    const group = await app.inject({
      method: 'POST',
      url: '/v1/group',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: { userId: 'owner', groupId: 'globex', traits: { name: 'Globex', chargebee_customer_id: 'cb_cust_globex' } },
    });
    expect(group.statusCode, group.body).toBe(200);
    const reminder = event('subscription_trial_end_reminder', 'ev_10', 80);
    reminder.content['subscription']!['customer_id'] = 'cb_cust_globex';
    expect(await deliver(reminder)).toEqual({ status: 'stored', detail: 'globex' });
    expect(await traitsOf('globex')).toMatchObject({ name: 'Globex', trial_ends_at: new Date(nowMs + 3 * 86_400_000).toISOString() });
    const notCreated = await app.inject({ url: '/api/v1/accounts/cb_cust_globex', headers: admin() });
    expect(notCreated.statusCode).toBe(404);
  });
});
