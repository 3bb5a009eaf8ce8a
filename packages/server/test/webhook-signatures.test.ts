import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';
import { connectIntegrations, signWebhook } from '../../../test-support/webhooks.js';

const shared = join(import.meta.dirname, '../../../../shared/data');
const ours = join(import.meta.dirname, '../../../test-support/fixtures');
const nowMs = Date.UTC(2026, 2, 10, 12);
const nowSeconds = Math.floor(nowMs / 1000);

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let urls: Map<string, string>;
const secret = 'whsec_strata_test_secret_0123456789';

interface Signer {
  provider: string;
  body: string;
  /** Headers for `body` signed with `key` at `atSeconds`. */
  sign(body: string, key: string, atSeconds: number): Record<string, string>;
  timestamped: boolean;
}

const signer = (provider: string, body: string, timestamped: boolean): Signer => ({
  provider,
  body,
  sign: (text, key, at) => signWebhook(provider, text, key, at),
  timestamped,
});
const signers: Signer[] = [
  signer('stripe', readFileSync(join(shared, 'webhook-fixtures-zulip/stripe/customer_subscription_created.json'), 'utf8'), true),
  signer('zendesk', readFileSync(join(ours, 'zendesk/ticket_created.json'), 'utf8'), true),
  signer('intercom', readFileSync(join(ours, 'intercom/conversation_user_created.json'), 'utf8'), false),
  signer('delighted', readFileSync(join(shared, 'webhook-fixtures-zulip/delighted/survey_response_updated_promoter.json'), 'utf8'), false),
];

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

/** Everything a webhook could write, counted for the test workspace. */
async function storedCounts(): Promise<Record<string, number>> {
  const result = await sql<Record<string, number>>`
    SELECT
      (SELECT count(*) FROM tickets WHERE workspace_id = ${ws.workspace.id})::int AS tickets,
      (SELECT count(*) FROM ticket_messages WHERE workspace_id = ${ws.workspace.id})::int AS messages,
      (SELECT count(*) FROM surveys WHERE workspace_id = ${ws.workspace.id})::int AS surveys,
      (SELECT count(*) FROM people WHERE workspace_id = ${ws.workspace.id})::int AS people,
      (SELECT count(*) FROM accounts WHERE workspace_id = ${ws.workspace.id})::int AS accounts,
      (SELECT count(*) FROM events WHERE workspace_id = ${ws.workspace.id})::int AS events,
      (SELECT count(*) FROM webhook_deliveries WHERE workspace_id = ${ws.workspace.id})::int AS deliveries,
      (SELECT count(*) FROM segment_work WHERE workspace_id = ${ws.workspace.id})::int AS work`.execute(database.owner);
  return result.rows[0]!;
}

async function post(provider: string, body: string, headers: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: urls.get(provider)!,
    headers: { 'content-type': 'application/json', ...headers },
    payload: body,
  });
}

/** A body with the same meaning and different bytes, as a proxy that parses and re-serialises JSON would send. */
function reserialised(body: string): string {
  const again = JSON.stringify(JSON.parse(body));
  return again === body ? JSON.stringify(JSON.parse(body), null, 1) : again;
}

function tampered(body: string): string {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  parsed['tampered'] = true;
  return JSON.stringify(parsed);
}

describe.each(signers)('$provider webhook signatures', (signer) => {
  const cases: Array<{ name: string; body: () => string; headers: () => Record<string, string> }> = [
    { name: 'tampered body', body: () => tampered(signer.body), headers: () => signer.sign(signer.body, secret, nowSeconds) },
    {
      name: 'wrong secret',
      body: () => signer.body,
      headers: () => signer.sign(signer.body, 'whsec_someone_else_entirely_0000', nowSeconds),
    },
    { name: 'missing header', body: () => signer.body, headers: () => ({}) },
    { name: 're-serialised body', body: () => reserialised(signer.body), headers: () => signer.sign(signer.body, secret, nowSeconds) },
    {
      name: 'garbage signature',
      body: () => signer.body,
      headers: () => Object.fromEntries(Object.keys(signer.sign(signer.body, secret, nowSeconds)).map((h) => [h, 'v1=zz,t=x'])),
    },
  ];
  if (signer.timestamped)
    cases.push(
      { name: 'stale timestamp (301 s old)', body: () => signer.body, headers: () => signer.sign(signer.body, secret, nowSeconds - 301) },
      { name: 'future timestamp (60 s ahead)', body: () => signer.body, headers: () => signer.sign(signer.body, secret, nowSeconds + 60) },
    );

  it.each(cases)('refuses a $name and stores nothing', async ({ body, headers }) => {
    const before = await storedCounts();
    const response = await post(signer.provider, body(), headers());
    expect(response.statusCode, response.body).toBe(401);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('UNAUTHORIZED');
    expect(await storedCounts()).toEqual(before);
  });

  it('accepts a valid signature (fresh, or 299 s old where signed with a time) and stores once', async () => {
    const before = await storedCounts();
    const at = signer.timestamped ? nowSeconds - 299 : nowSeconds;
    const first = await post(signer.provider, signer.body, signer.sign(signer.body, secret, at));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'stored' });
    const afterFirst = await storedCounts();
    expect(afterFirst).not.toEqual(before);
    // The same delivery again (providers retry): recognised by its event id, nothing more stored.
    const again = await post(signer.provider, signer.body, signer.sign(signer.body, secret, nowSeconds));
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'duplicate' });
    const afterAgain = await storedCounts();
    expect({ ...afterAgain, work: 0 }).toEqual({ ...afterFirst, work: 0 });
  });
});

describe('stripe signatures with several v1 values', () => {
  const stripeSigner = signers[0]!;
  it('accepts any of several v1 signatures only when one matches', async () => {
    const body = readFileSync(join(shared, 'webhook-fixtures-zulip/stripe/customer_updated__delinquency.json'), 'utf8');
    const good = stripeSigner.sign(body, secret, nowSeconds)['stripe-signature']!;
    const bad = stripeSigner.sign(body, 'whsec_other_secret_000000000000', nowSeconds)['stripe-signature']!;
    const both = `${bad},${good.split(',').find((p) => p.startsWith('v1='))}`;
    expect((await post('stripe', body, { 'stripe-signature': both })).statusCode).toBe(200);
    expect((await post('stripe', body, { 'stripe-signature': bad })).statusCode).toBe(401);
  });
});

describe('freshdesk, which does not sign', () => {
  const body = readFileSync(join(shared, 'webhook-fixtures-zulip/freshdesk/ticket_created.json'), 'utf8');

  it('is authenticated by the unguessable token in its URL alone', async () => {
    const before = await storedCounts();
    const wrong = await post('freshdesk', body, {}).then(() =>
      app.inject({
        method: 'POST',
        url: '/webhooks/freshdesk/not-the-token',
        headers: { 'content-type': 'application/json' },
        payload: body,
      }),
    );
    expect(wrong.statusCode).toBe(404);
    const right = await storedCounts();
    expect(right.tickets).toBe(before.tickets! + 1); // the first post, through the right URL
    const otherProvider = await app.inject({
      method: 'POST',
      url: urls.get('freshdesk')!.replace('/freshdesk/', '/zendesk/'),
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(otherProvider.statusCode).toBe(404);
    expect(await storedCounts()).toEqual(right);
  });

  it('stores secrets encrypted at rest', async () => {
    const rows = await database.owner
      .selectFrom('integrations')
      .select(['provider', 'secret_ciphertext', 'url_token'])
      .where('workspace_id', '=', ws.workspace.id)
      .execute();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      if (row.provider === 'freshdesk') expect(row.secret_ciphertext).toBeNull();
      else expect(row.secret_ciphertext!.includes(Buffer.from(secret))).toBe(false);
      expect(row.url_token.length).toBeGreaterThanOrEqual(43);
    }
  });
});
