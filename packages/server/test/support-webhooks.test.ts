import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';
import { connectIntegrations, signWebhook } from '../../../test-support/webhooks.js';

const shared = join(import.meta.dirname, '../../../../shared/data/webhook-fixtures-zulip');
const ours = join(import.meta.dirname, '../../../test-support/fixtures');
const nowMs = Date.UTC(2026, 2, 10, 12);
const secret = 'whsec_strata_functional_test_0001';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let urls: Map<string, string>;
const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now: () => new Date(nowMs) });
  urls = await connectIntegrations(app, ws.adminKey, secret);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

async function deliver(provider: string, body: string | object) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await app.inject({
    method: 'POST',
    url: urls.get(provider)!,
    headers: { 'content-type': 'application/json', ...signWebhook(provider, text, secret, Math.floor(nowMs / 1000)) },
    payload: text,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ status: string; detail?: string }>();
}
const fixture = (path: string) => readFileSync(path, 'utf8');
async function ticket(id: string, source: string) {
  const response = await app.inject({ url: `/api/v1/tickets/${id}?source=${source}`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Record<string, unknown>>();
}
async function account(groupId: string) {
  const response = await app.inject({ url: `/api/v1/accounts/${groupId}`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ traits: Record<string, unknown> }>();
}

describe('Freshdesk', () => {
  it('creates the ticket from the real bodies, maps status and priority, and finds the requester by email', async () => {
    expect(await deliver('freshdesk', fixture(join(shared, 'freshdesk/ticket_created.json')))).toMatchObject({ status: 'stored' });
    expect(await ticket('11', 'freshdesk')).toMatchObject({
      status: 'pending',
      priority: 'high',
      channel: 'email',
      subject: 'Test ticket subject ☃',
      open: true,
    });
    await deliver('freshdesk', fixture(join(shared, 'freshdesk/priority_changed.json')));
    await deliver('freshdesk', fixture(join(shared, 'freshdesk/status_changed.json')));
    const after = await ticket('11', 'freshdesk');
    expect(after).toMatchObject({ status: 'pending', priority: 'low' });
    const person = await app.inject({ url: '/api/v1/people/anything', headers: admin() });
    expect(person.statusCode).toBe(404);
    const rows = await database.owner
      .selectFrom('identities')
      .select(['kind', 'value'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('kind', '=', 'email')
      .execute();
    expect(rows.map((r) => r.value)).toContain('requester-bob@example.com');
  });
});

// One ticket's story in order: the late update is late against the solved state the first step leaves.
describe('Zendesk', { shuffle: false }, () => {
  it('follows a ticket from creation through an agent reply to solved, with times in business hours', async () => {
    await deliver('zendesk', fixture(join(ours, 'zendesk/ticket_created.json')));
    const created = await ticket('35436', 'zendesk');
    expect(created).toMatchObject({
      userId: 'user-dana',
      groupId: 'northwind',
      priority: 'urgent',
      status: 'new',
      channel: 'email',
      tags: ['exports', 'bug'],
    });
    expect(created['sentiment']).toMatchObject({ label: 'negative' });
    expect(created['language']).toBe('en');

    await deliver('zendesk', fixture(join(ours, 'zendesk/comment_added.json')));
    const answered = await ticket('35436', 'zendesk');
    expect(answered).toMatchObject({ status: 'open', firstResponseMinutes: 90, firstResponseBusinessMinutes: 90 });

    await deliver('zendesk', fixture(join(ours, 'zendesk/status_changed.json')));
    expect(await ticket('35436', 'zendesk')).toMatchObject({
      status: 'solved',
      open: false,
      resolutionMinutes: 180,
      resolutionBusinessMinutes: 180,
    });
  });

  it('ignores an update older than the stored state (providers do not promise order)', async () => {
    const late = JSON.parse(fixture(join(ours, 'zendesk/comment_added.json'))) as {
      id: string;
      detail: Record<string, unknown>;
      event: unknown;
    };
    late.id = 'late-delivery-1';
    late.event = {};
    expect(await deliver('zendesk', late)).toMatchObject({ status: 'ignored' });
    expect(await ticket('35436', 'zendesk')).toMatchObject({ status: 'solved', reopenCount: 0 });
  });
});

describe('Intercom', () => {
  it('treats a conversation as a ticket: CSAT rating, first reply from statistics, closed as solved', async () => {
    await deliver('intercom', fixture(join(ours, 'intercom/conversation_user_created.json')));
    const opened = await ticket('147', 'intercom');
    expect(opened).toMatchObject({ userId: 'user-lee', status: 'open', channel: 'chat' });
    expect(opened['sentiment']).toMatchObject({ label: 'positive' });
    await deliver('intercom', fixture(join(ours, 'intercom/conversation_admin_closed.json')));
    expect(await ticket('147', 'intercom')).toMatchObject({
      status: 'solved',
      csat: { score: 5, comment: 'Quick and clear, thank you!' },
      firstResponseMinutes: 30,
      tags: ['onboarding'],
      assignee: '814860',
      resolutionMinutes: 60,
    });
  });
});

describe('Delighted', () => {
  it('records NPS answers with their category and updates one answer per response', async () => {
    const detractor = JSON.parse(fixture(join(shared, 'delighted/survey_response_updated_non_promoter.json'))) as {
      event_id: string;
      event_data: { score: number; updated_at: number };
    };
    expect(await deliver('delighted', detractor)).toMatchObject({ status: 'stored' });
    const stored = await database.owner
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', ws.workspace.id)
      .where('source', '=', 'delighted')
      .execute();
    expect(stored).toMatchObject([{ kind: 'nps', nps: 5, category: 'detractor' }]);
    // The person edits the answer in Delighted: the same response, a new event.
    detractor.event_id = 'edited';
    detractor.event_data.score = 9;
    detractor.event_data.updated_at += 60;
    await deliver('delighted', detractor);
    const edited = await database.owner
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', ws.workspace.id)
      .where('source', '=', 'delighted')
      .execute();
    expect(edited).toMatchObject([{ nps: 9, category: 'promoter' }]);
    // A score outside the survey's scale is refused naming the field, and changes nothing.
    detractor.event_id = 'out-of-range';
    detractor.event_data.score = 11;
    const text = JSON.stringify(detractor);
    const refused = await app.inject({
      method: 'POST',
      url: urls.get('delighted')!,
      headers: { 'content-type': 'application/json', ...signWebhook('delighted', text, secret, Math.floor(nowMs / 1000)) },
      payload: text,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('event_data.score');
  });
});

describe('Stripe', () => {
  it('keeps billing traits current on the account named by stripe_customer_id', async () => {
    const ingest = await app.inject({
      method: 'POST',
      url: '/v1/group',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: {
        userId: 'owner',
        groupId: 'acme',
        traits: { name: 'Acme', stripe_customer_id: 'cus_00000000000000' },
      },
    });
    expect(ingest.statusCode, ingest.body).toBe(200);
    // The fixtures share one placeholder event id and time; real events have their own.
    const event = (name: string, id: string, minutes: number) => {
      const e = JSON.parse(fixture(join(shared, `stripe/${name}.json`))) as { id: string; created: number };
      return { ...e, id, created: e.created + minutes * 60 };
    };
    await deliver('stripe', event('customer_subscription_created', 'evt_a1', 0));
    expect((await account('acme')).traits).toMatchObject({
      plan: 'Gold Special',
      subscription_status: 'active',
      mrr: 20,
      arr: 240,
      currency: 'aud',
      stripe_customer_id: 'cus_00000000000000',
    });
    await deliver('stripe', event('invoice_payment_failed', 'evt_a2', 1));
    expect((await account('acme')).traits).toMatchObject({ delinquent: true });
    await deliver('stripe', event('customer_subscription_deleted', 'evt_a3', 2));
    const churned = (await account('acme')).traits;
    expect(churned).toMatchObject({ subscription_status: 'canceled', mrr: 0, arr: 0 });
    expect(churned['churned_at']).toEqual(expect.any(String));
  });

  it('maps a customer by metadata group_id, else to a new account named by the customer id', async () => {
    const event = JSON.parse(fixture(join(shared, 'stripe/customer_subscription_created.json'))) as {
      id: string;
      created: number;
      data: { object: { customer: string; metadata: Record<string, string> } };
    };
    event.id = 'evt_meta';
    event.data.object.customer = 'cus_meta';
    event.data.object.metadata = { group_id: 'globex' };
    await deliver('stripe', event);
    expect((await account('globex')).traits).toMatchObject({ stripe_customer_id: 'cus_meta', mrr: 20 });

    event.id = 'evt_new';
    event.data.object.customer = 'cus_unknown';
    event.data.object.metadata = {};
    await deliver('stripe', event);
    expect((await account('cus_unknown')).traits).toMatchObject({ stripe_customer_id: 'cus_unknown', subscription_status: 'active' });

    // An older event arriving late does not undo a newer one.
    event.id = 'evt_old';
    event.created -= 3600;
    (event.data.object as unknown as { status: string }).status = 'trialing';
    await deliver('stripe', event);
    expect((await account('cus_unknown')).traits).toMatchObject({ subscription_status: 'active' });
  });
});
