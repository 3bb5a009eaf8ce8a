import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

const fixtures = join(import.meta.dirname, '../../../test-support/fixtures');
const fixture = (path: string) => readFileSync(join(fixtures, path), 'utf8');
const nowMs = Date.UTC(2026, 2, 10, 12);
const freshservice = { username: 'freshservice-hook', password: 'a long shared password' };
const acmeSecret = 'acme-desk-shared-secret';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
const paths = new Map<string, string>();
const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const acmeSignature = (body: string) => `sha256=${createHmac('sha256', acmeSecret).update(body).digest('base64')}`;

/** The custom help desk of these tests: its own body shape, an HMAC header, and its own status words. */
const acmeConfig = {
  auth: { type: 'hmac', header: 'X-Acme-Signature', encoding: 'base64', prefix: 'sha256=', secret: acmeSecret },
  fields: {
    externalId: 'data.ticket.number',
    eventId: 'event_id',
    requesterEmail: 'data.customer.email',
    requesterUserId: 'data.customer.app_user_id',
    subject: 'data.ticket.title',
    text: 'data.ticket.body',
    status: 'data.ticket.state',
    priority: 'data.ticket.urgency',
    updatedAt: 'occurred_at',
  },
  statusMap: { Waiting: 'pending', Done: 'solved' },
  priorityMap: { P1: 'urgent', P2: 'high', P3: 'normal' },
};
const acmeBody = (eventId: string, state: string, minutes = 0, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_id: eventId,
    occurred_at: nowMs / 1000 - 3600 + minutes * 60,
    data: {
      ticket: { number: 77, title: 'Login loop', body: 'I keep getting sent back to the login page.', state, urgency: 'P2', ...extra },
      customer: { email: 'lee@initech.example', app_user_id: 'user-lee' },
    },
  });

async function connect(key: string, body: unknown) {
  return app.inject({ method: 'PUT', url: `/api/v1/integrations/webhook-helpdesk/${key}`, headers: admin(), payload: body as object });
}

function post(key: string, body: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: paths.get(key)!, headers: { 'content-type': 'application/json', ...headers }, payload: body });
}

async function ticket(id: string, source: string) {
  const response = await app.inject({ url: `/api/v1/tickets/${id}?source=${source}`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Record<string, unknown>>();
}

async function ticketCount(): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM tickets WHERE workspace_id = ${ws.workspace.id}`.execute(
    database.owner,
  );
  return result.rows[0]!.n;
}

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now: () => new Date(nowMs) });
  const configs: Record<string, unknown> = {
    freshservice: { preset: 'freshservice', auth: { type: 'basic', ...freshservice } },
    'zoho-desk': { preset: 'zoho-desk', auth: { type: 'token' } },
    acme: acmeConfig,
  };
  for (const [key, config] of Object.entries(configs)) {
    const response = await connect(key, config);
    expect(response.statusCode, response.body).toBe(200);
    paths.set(key, new URL(response.json<{ webhookUrl: string }>().webhookUrl).pathname);
  }
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('configuring a help desk webhook', () => {
  it('answers its URL and mapping, never its secret', async () => {
    expect(paths.get('freshservice')).toMatch(/^\/webhooks\/helpdesk\/freshservice\/[A-Za-z0-9_-]{43}$/);
    const read = await app.inject({ url: '/api/v1/integrations/webhook-helpdesk/acme', headers: admin() });
    expect(read.json()).toMatchObject({
      provider: 'helpdesk:acme',
      key: 'acme',
      hasSecret: true,
      auth: { type: 'hmac', header: 'x-acme-signature', encoding: 'base64' },
      fields: { externalId: 'data.ticket.number' },
      statusMap: { waiting: 'pending', done: 'solved' },
    });
    expect(read.body).not.toContain(acmeSecret);
    const listed = await app.inject({ url: '/api/v1/integrations', headers: admin() });
    expect(listed.json<{ items: Array<{ provider: string }> }>().items.map((i) => i.provider)).toEqual(
      expect.arrayContaining(['helpdesk:acme', 'helpdesk:freshservice', 'helpdesk:zoho-desk']),
    );
  });

  it('names what is missing or wrong in a mapping', async () => {
    const noMapping = await connect('bare', { auth: { type: 'token' } });
    expect(noMapping.statusCode).toBe(400);
    expect(noMapping.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field)).toEqual([
      'fields.externalId',
      'fields.requesterEmail',
    ]);
    const badPath = await connect('bare', { auth: { type: 'token' }, fields: { externalId: 'ticket[0].id', requesterEmail: 'a' } });
    expect(badPath.statusCode).toBe(400);
    expect(badPath.body).toContain('fields.externalId');
    const badStatus = await connect('bare', { preset: 'zoho-desk', auth: { type: 'token' }, statusMap: { Parked: 'parked' } });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.body).toContain('statusMap');
    const weakSecret = await connect('bare', { preset: 'freshservice', auth: { type: 'basic', username: 'u', password: 'short' } });
    expect(weakSecret.statusCode).toBe(400);
    expect(weakSecret.body).toContain('auth.password');
    const builtIn = await connect('zendesk', { preset: 'zoho-desk', auth: { type: 'token' } });
    expect(builtIn.statusCode).toBe(400);
    expect(builtIn.body).toContain('built-in source');
    expect((await app.inject({ url: '/api/v1/integrations/webhook-helpdesk/bare', headers: admin() })).statusCode).toBe(404);
  });
});

describe('Freshservice preset (HTTP Basic)', { shuffle: false }, () => {
  it('refuses missing and wrong credentials with 401, storing nothing', async () => {
    const before = await ticketCount();
    const body = fixture('freshservice/ticket_created.json');
    expect((await post('freshservice', body)).statusCode).toBe(401);
    expect((await post('freshservice', body, { authorization: basic(freshservice.username, 'not the password') })).statusCode).toBe(401);
    expect(await ticketCount()).toBe(before);
  });

  it('creates the ticket, maps status, priority and channel, and analyses its text', async () => {
    const auth = { authorization: basic(freshservice.username, freshservice.password) };
    const created = await post('freshservice', fixture('freshservice/ticket_created.json'), auth);
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ status: 'stored' });
    const stored = await ticket('1024', 'freshservice');
    expect(stored).toMatchObject({
      source: 'freshservice',
      status: 'open',
      priority: 'high',
      channel: 'email',
      tags: ['exports', 'bug'],
      subject: 'Exports keep failing',
    });
    expect(stored['sentiment']).toMatchObject({ label: 'negative' });
    expect(stored['language']).toBe('en');

    const redelivered = await post('freshservice', fixture('freshservice/ticket_created.json'), auth);
    expect(redelivered.json()).toEqual({ status: 'duplicate' });

    await post('freshservice', fixture('freshservice/ticket_resolved.json'), auth);
    expect(await ticket('1024', 'freshservice')).toMatchObject({ status: 'solved', priority: 'normal', open: false });
  });
});

describe('Zoho Desk preset (URL token, several events a delivery)', { shuffle: false }, () => {
  it('creates the ticket and follows the updates of one delivery in order', async () => {
    expect((await post('zoho-desk', fixture('zoho-desk/ticket_add.json'))).json()).toMatchObject({ status: 'stored' });
    expect(await ticket('1892000000093001', 'zoho-desk')).toMatchObject({ status: 'open', priority: 'normal', channel: 'web' });
    const updates = await post('zoho-desk', fixture('zoho-desk/ticket_updates.json'));
    expect(updates.statusCode, updates.body).toBe(200);
    expect(await ticket('1892000000093001', 'zoho-desk')).toMatchObject({ status: 'closed', priority: 'high', open: false });
    expect((await post('zoho-desk', fixture('zoho-desk/ticket_updates.json'))).json()).toEqual({ status: 'duplicate' });
  });

  it('refuses an unknown token with 404', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/helpdesk/zoho-desk/not-a-token',
      headers: { 'content-type': 'application/json' },
      payload: fixture('zoho-desk/ticket_add.json'),
    });
    expect(response.statusCode).toBe(404);
  });
});

describe('a help desk of your own (HMAC header, value maps)', { shuffle: false }, () => {
  it('refuses a missing or wrong signature with 401, storing nothing', async () => {
    const before = await ticketCount();
    const body = acmeBody('evt-1', 'Waiting');
    expect((await post('acme', body)).statusCode).toBe(401);
    expect((await post('acme', body, { 'x-acme-signature': acmeSignature(body.replace('Login', 'Logout')) })).statusCode).toBe(401);
    expect((await post('acme', body, { 'x-acme-signature': acmeSignature(body).slice('sha256='.length) })).statusCode).toBe(401);
    expect(await ticketCount()).toBe(before);
  });

  it('maps its values, joins the requester by userId, and ignores an older state', async () => {
    const body = acmeBody('evt-1', 'Waiting');
    const stored = await post('acme', body, { 'x-acme-signature': acmeSignature(body) });
    expect(stored.statusCode, stored.body).toBe(200);
    expect(await ticket('77', 'acme')).toMatchObject({ status: 'pending', priority: 'high', userId: 'user-lee' });
    const done = acmeBody('evt-2', 'done', 30);
    await post('acme', done, { 'x-acme-signature': acmeSignature(done) });
    expect(await ticket('77', 'acme')).toMatchObject({ status: 'solved' });
    const late = acmeBody('evt-3', 'Waiting', 10);
    expect((await post('acme', late, { 'x-acme-signature': acmeSignature(late) })).json()).toMatchObject({ status: 'ignored' });
    expect(await ticket('77', 'acme')).toMatchObject({ status: 'solved' });
  });

  it('answers 400 naming the field for a status without a map or a path not in the body, storing nothing', async () => {
    const before = await ticketCount();
    const unknown = acmeBody('evt-4', 'Escalated to legal', 40);
    const refused = await post('acme', unknown, { 'x-acme-signature': acmeSignature(unknown) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: { details: Array<{ field: string }> } }>().error.details[0]!.field).toBe('fields.status');
    expect(refused.body).toContain('statusMap');

    const untitled = JSON.parse(acmeBody('evt-5', 'Waiting', 50)) as { data: { ticket: Record<string, unknown> } };
    delete untitled.data.ticket['title'];
    const missing = JSON.stringify(untitled);
    const refusedAgain = await post('acme', missing, { 'x-acme-signature': acmeSignature(missing) });
    expect(refusedAgain.statusCode).toBe(400);
    expect(refusedAgain.json<{ error: { details: Array<{ field: string; message: string }> } }>().error.details[0]).toEqual({
      field: 'fields.subject',
      message: 'the path "data.ticket.title" is not in the body',
    });
    expect(await ticketCount()).toBe(before);
  });
});
