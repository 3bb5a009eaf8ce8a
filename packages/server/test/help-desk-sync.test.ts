import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackgroundRuntime,
  SecretBox,
  sendOutboundRequest,
  syncTicketDecision,
  syncZendeskTicket,
  writeTicket,
  type TicketWrite,
} from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

/**
 * Decisions written back to Zendesk, Freshdesk and Intercom, through the job runtime, to a local
 * HTTP server that stands in for each help desk. The server checks every request against the
 * provider's documented endpoint, method, authentication and body (Zendesk "Update Ticket",
 * Freshdesk "Update a Ticket", Intercom "Update a conversation", "Manage a conversation", "Create
 * or update a tag" and "Add tag to a conversation") and answers 400 naming what differs, which
 * the test then finds as a mismatch. Answers can be scripted per path: a 429 with Retry-After, a
 * 500, a 404.
 */

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
}

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: BackgroundRuntime;
let helpDesk: Server;
let base: string;
const received: Received[] = [];
const mismatches: string[] = [];
/** Answers to give, in order, before the documented success: by `METHOD path`. */
const scripted = new Map<string, Array<{ status: number; headers?: Record<string, string>; body?: string }>>();
const secrets = new SecretBox(randomBytes(32));

const zendeskAuth = `Basic ${Buffer.from('agent@acme.example/token:zd-token').toString('base64')}`;
const freshdeskAuth = `Basic ${Buffer.from('fd-key:X').toString('base64')}`;
const intercomAuth = 'Bearer ic-token';

/** What each documented endpoint must receive; undefined when the request is right, else why not. */
function check(method: string, path: string, headers: IncomingHttpHeaders, body: unknown): string | undefined {
  const json = headers['content-type']?.startsWith('application/json') ? undefined : 'content-type is not application/json';
  const b = body as Record<string, unknown>;
  if (/^\/zendesk\/api\/v2\/tickets\/(\d+)\.json$/.test(path)) {
    if (method !== 'PUT') return `Zendesk Update Ticket is PUT, not ${method}`;
    if (headers.authorization !== zendeskAuth) return 'Zendesk API token auth is Basic {email}/token:{token}';
    const ticket = b['ticket'] as Record<string, unknown> | undefined;
    if (!ticket || Object.keys(b).length !== 1) return 'the body is {"ticket": {...}}';
    if (!['low', 'normal', 'high', 'urgent'].includes(String(ticket['priority']))) return 'priority is low, normal, high or urgent';
    if ('group_id' in ticket && typeof ticket['group_id'] !== 'number') return 'group_id is a number';
    if ('additional_tags' in ticket && !Array.isArray(ticket['additional_tags'])) return 'additional_tags is a list';
    return json;
  }
  if (/^\/freshdesk\/api\/v2\/tickets\/(\d+)$/.test(path)) {
    if (method !== 'PUT') return `Freshdesk Update a Ticket is PUT, not ${method}`;
    if (headers.authorization !== freshdeskAuth) return 'Freshdesk auth is Basic {apiKey}:X';
    if (![1, 2, 3, 4].includes(b['priority'] as number)) return 'priority is 1, 2, 3 or 4';
    if ('group_id' in b && typeof b['group_id'] !== 'number') return 'group_id is a number';
    return json;
  }
  if (path.startsWith('/intercom/')) {
    if (headers.authorization !== intercomAuth) return 'Intercom auth is Bearer {accessToken}';
    if (!headers['intercom-version']) return 'Intercom-Version header is missing';
    if (/^\/intercom\/conversations\/(\d+)$/.test(path) && method === 'PUT')
      return typeof b['custom_attributes'] === 'object' ? json : 'Update a conversation sets custom_attributes';
    if (/^\/intercom\/conversations\/(\d+)\/parts$/.test(path) && method === 'POST')
      return b['message_type'] === 'assignment' &&
        b['type'] === 'team' &&
        typeof b['admin_id'] === 'string' &&
        typeof b['assignee_id'] === 'string'
        ? json
        : 'Manage a conversation (assignment) is {message_type: "assignment", type, admin_id, assignee_id}';
    if (path === '/intercom/tags' && method === 'POST') return typeof b['name'] === 'string' ? json : 'Create a tag is {name}';
    if (/^\/intercom\/conversations\/(\d+)\/tags$/.test(path) && method === 'POST')
      return typeof b['id'] === 'string' && typeof b['admin_id'] === 'string' ? json : 'Add tag to a conversation is {id, admin_id}';
  }
  return `no documented endpoint is ${method} ${path}`;
}

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { secrets });
  helpDesk = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const method = req.method ?? '';
      const path = req.url ?? '';
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      received.push({ method, path, headers: req.headers, body, at: Date.now() });
      const wrong = body === undefined ? 'the body is not JSON' : check(method, path, req.headers, body);
      if (wrong) {
        mismatches.push(`${method} ${path}: ${wrong}`);
        return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: wrong }));
      }
      const next = scripted.get(`${method} ${path}`)?.shift();
      if (next) return res.writeHead(next.status, next.headers ?? {}).end(next.body ?? '');
      const answer = path === '/intercom/tags' ? { type: 'tag', id: '17', name: (body as { name: string }).name } : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => helpDesk.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(helpDesk.address() as AddressInfo).port}`;
  runtime = new BackgroundRuntime({
    db: database.db,
    pool: database.pool,
    now: () => new Date(),
    services: {
      secrets,
      post: () => Promise.reject(new Error('no webhooks in this test')),
      // The help desk is on loopback: allowed here as STRATA_ALLOW_PRIVATE_WEBHOOKS=true allows it.
      send: async (request) => {
        const response = await sendOutboundRequest(request, { allowPrivate: true, timeoutMs: 5000 });
        return { status: response.status, headers: response.headers, body: response.body };
      },
    },
  });
  await runtime.start();
});
afterAll(async () => {
  await runtime.stop();
  await app.close();
  helpDesk.closeAllConnections();
  await new Promise((resolve) => helpDesk.close(resolve));
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const scope = () => workspaceScope(database.db, ws.workspace.id, () => new Date());

async function connect(provider: string, payload: object) {
  return app.inject({ method: 'PUT', url: `/api/v1/integrations/${provider}/sync`, headers: admin(), payload });
}
async function helpDeskTicket(source: TicketWrite['source'], externalId: string, tags: string[] = []): Promise<string> {
  const outcome = await writeTicket(scope(), { source, externalId, requester: { userId: 'ada' }, subject: 'Charged twice', tags });
  if (outcome.kind !== 'stored') throw new Error(`ticket not stored: ${outcome.kind}`);
  return outcome.ticket.id;
}
interface Sync {
  state: string | null;
  items: Array<{ outcome: string; httpStatus: number | null; error: string | null; request: Record<string, unknown>; attempt: number }>;
}
async function sync(ticketId: string): Promise<Sync> {
  const response = await app.inject({ url: `/api/v1/tickets/${ticketId}/sync`, headers: admin() });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Sync>();
}
/** Polls until the ticket's last attempt is final (synced or failed), with a generous deadline. */
async function settled(ticketId: string, timeoutMs = 60_000): Promise<Sync> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await sync(ticketId);
    if (answer.state === 'synced' || answer.state === 'failed') return answer;
    if (Date.now() > deadline) throw new Error(`ticket ${ticketId} sync did not settle: ${JSON.stringify(answer)}`);
    await sleep(200);
  }
}
const requestsTo = (prefix: string) => received.filter((r) => r.path.startsWith(prefix));

describe('help-desk sync', { shuffle: false }, () => {
  it('refuses a connection with missing or unknown fields, naming each', async () => {
    const refused = await connect('zendesk', { email: 'not-an-email', apiKey: 'freshdesk-only' });
    expect(refused.statusCode).toBe(400);
    const fields = refused.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['subdomain', 'email', 'apiToken', 'apiKey']));
    for (const baseUrl of [' ', 'ftp://acme.example', 'https://user:pass@acme.example']) {
      const wrongUrl = await connect('zendesk', { email: 'agent@acme.example', apiToken: 'zd-token', baseUrl });
      expect(wrongUrl.statusCode, baseUrl).toBe(400);
      expect(wrongUrl.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field)).toContain('baseUrl');
    }
    expect((await app.inject({ url: '/api/v1/integrations/zendesk/sync', headers: admin() })).statusCode).toBe(404);
  });

  it('records a decision for a help desk that is not connected as failed, on the ticket', async () => {
    const id = await helpDeskTicket('zendesk', '100');
    await syncTicketDecision(scope(), { ticketId: id, priority: 'high' });
    const answer = await settled(id);
    expect(answer.items).toEqual([expect.objectContaining({ outcome: 'failed', httpStatus: null })]);
    expect(answer.items[0]!.error).toContain('PUT /api/v1/integrations/zendesk/sync');
  });

  it('writes priority, group and tags to Zendesk with its API token', async () => {
    const saved = await connect('zendesk', {
      subdomain: 'acme',
      email: 'agent@acme.example',
      apiToken: 'zd-token',
      baseUrl: `${base}/zendesk`,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).not.toContain('zd-token');
    expect(saved.json()).toMatchObject({ provider: 'zendesk', baseUrl: `${base}/zendesk`, hasCredentials: true });

    const id = await helpDeskTicket('zendesk', '123');
    await syncTicketDecision(scope(), { ticketId: id, priority: 'urgent', group: '360', tags: ['vip', 'strata-high-value'] });
    const answer = await settled(id);
    expect(answer.state).toBe('synced');
    expect(answer.items).toEqual([expect.objectContaining({ outcome: 'synced', httpStatus: 200, error: null })]);
    const [call] = requestsTo('/zendesk/api/v2/tickets/123.json');
    expect(call?.body).toEqual({ ticket: { priority: 'urgent', group_id: 360, additional_tags: ['vip', 'strata-high-value'] } });
  });

  it('retries a Zendesk 500 through the job runtime, and fails a 404 at once', async () => {
    scripted.set('PUT /zendesk/api/v2/tickets/124.json', [{ status: 500, body: 'upstream down' }]);
    const retried = await helpDeskTicket('zendesk', '124');
    await syncTicketDecision(scope(), { ticketId: retried, priority: 'low' });
    const afterRetry = await settled(retried);
    expect(afterRetry.items.map((i) => [i.outcome, i.httpStatus])).toEqual([
      ['retrying', 500],
      ['synced', 200],
    ]);
    expect(afterRetry.items[0]!.error).toContain('upstream down');

    scripted.set('PUT /zendesk/api/v2/tickets/404.json', [{ status: 404, body: '{"error":"RecordNotFound"}' }]);
    const missing = await helpDeskTicket('zendesk', '404');
    await syncTicketDecision(scope(), { ticketId: missing, priority: 'high' });
    const failed = await settled(missing);
    expect(failed.items).toEqual([expect.objectContaining({ outcome: 'failed', httpStatus: 404 })]);
    expect(failed.items[0]!.error).toContain('RecordNotFound');
  });

  it("honours Freshdesk's 429 Retry-After, then writes its numeric priority, group and the whole tag list", async () => {
    expect((await connect('freshdesk', { domain: 'acme', apiKey: 'fd-key', baseUrl: `${base}/freshdesk` })).statusCode).toBe(200);
    scripted.set('PUT /freshdesk/api/v2/tickets/77', [{ status: 429, headers: { 'retry-after': '2' }, body: 'slow down' }]);
    const id = await helpDeskTicket('freshdesk', '77', ['billing']);
    await syncTicketDecision(scope(), { ticketId: id, priority: 'urgent', group: '7', tags: ['vip'] });
    const answer = await settled(id);
    expect(answer.items.map((i) => [i.outcome, i.httpStatus])).toEqual([
      ['retrying', 429],
      ['synced', 200],
    ]);
    const calls = requestsTo('/freshdesk/api/v2/tickets/77');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(calls[1]!.body).toEqual({ priority: 4, group_id: 7, tags: ['billing', 'vip'] });
  });

  it('sets the priority attribute, assigns the team and adds each tag on an Intercom conversation', async () => {
    expect((await connect('intercom', { accessToken: 'ic-token', adminId: '42', baseUrl: `${base}/intercom` })).statusCode).toBe(200);
    const id = await helpDeskTicket('intercom', '555');
    await syncTicketDecision(scope(), { ticketId: id, priority: 'high', group: '99', tags: ['vip'] });
    expect((await settled(id)).state).toBe('synced');
    const calls = requestsTo('/intercom/').map((r) => [r.method, r.path, r.body]);
    expect(calls).toEqual([
      ['PUT', '/intercom/conversations/555', { custom_attributes: { Priority: 'high' } }],
      ['POST', '/intercom/conversations/555/parts', { message_type: 'assignment', type: 'team', admin_id: '42', assignee_id: '99' }],
      ['POST', '/intercom/tags', { name: 'vip' }],
      ['POST', '/intercom/conversations/555/tags', { id: '17', admin_id: '42' }],
    ]);
    expect(requestsTo('/intercom/').every((r) => r.headers['intercom-version'] === '2.11')).toBe(true);
  });

  it("writes a support policy's decision back to the help desk the ticket came from", async () => {
    const policy = await app.inject({
      method: 'PUT',
      url: '/api/v1/support-policies/zendesk-urgent',
      headers: admin(),
      payload: {
        name: 'Zendesk outage',
        position: 1,
        when: 'source = "zendesk" and subject contains "outage"',
        set: { priority: 'urgent', tags: ['strata-outage'] },
      },
    });
    expect(policy.statusCode, policy.body).toBe(201);
    const outcome = await writeTicket(scope(), {
      source: 'zendesk',
      externalId: '300',
      requester: { userId: 'ada' },
      subject: 'Total outage',
      tags: [],
    });
    if (outcome.kind !== 'stored') throw new Error(`ticket not stored: ${outcome.kind}`);
    const answer = await settled(outcome.ticket.id);
    expect(answer.state).toBe('synced');
    const [call] = requestsTo('/zendesk/api/v2/tickets/300.json');
    expect(call?.body).toEqual({ ticket: { priority: 'urgent', additional_tags: ['strata-outage'] } });
  });

  it("moves a ticket decided into a queue to the queue's group in its help desk", async () => {
    const queue = await app.inject({
      method: 'PUT',
      url: '/api/v1/queues/billing',
      headers: admin(),
      payload: { name: 'Billing', agents: [], assignment: 'manual', helpDeskGroups: { zendesk: '3601', intercom: 'team-9' } },
    });
    expect(queue.statusCode, queue.body).toBe(201);
    expect(queue.json()).toMatchObject({ helpDeskGroups: { zendesk: '3601', intercom: 'team-9' } });
    const unknownDesk = await app.inject({
      method: 'PUT',
      url: '/api/v1/queues/billing',
      headers: admin(),
      payload: { name: 'Billing', agents: [], helpDeskGroups: { zendsk: '1' } },
    });
    expect(unknownDesk.statusCode).toBe(400);
    expect(unknownDesk.body).toContain('helpDeskGroups');
    const policy = await app.inject({
      method: 'PUT',
      url: '/api/v1/support-policies/zendesk-billing',
      headers: admin(),
      payload: {
        name: 'Billing to billing',
        position: 2,
        when: 'source = "zendesk" and subject contains "invoice"',
        set: { queue: 'billing' },
      },
    });
    expect(policy.statusCode, policy.body).toBe(201);
    const outcome = await writeTicket(scope(), {
      source: 'zendesk',
      externalId: '301',
      requester: { userId: 'ada' },
      subject: 'Wrong invoice',
      tags: [],
    });
    if (outcome.kind !== 'stored') throw new Error(`ticket not stored: ${outcome.kind}`);
    const answer = await settled(outcome.ticket.id);
    expect(answer.state).toBe('synced');
    expect(answer.items[0]?.request).toMatchObject({ group: '3601' });
    const [call] = requestsTo('/zendesk/api/v2/tickets/301.json');
    expect(call?.body).toMatchObject({ ticket: { group_id: 3601 } });
  });

  it('sent every request as the providers document them', () => {
    expect(mismatches).toEqual([]);
  });

  it('refuses a private address unless private addresses are allowed, as webhooks do', async () => {
    const before = received.length;
    const result = await syncZendeskTicket(
      (request) => sendOutboundRequest(request, { allowPrivate: false, timeoutMs: 5000 }),
      `${base}/zendesk`,
      { email: 'agent@acme.example', apiToken: 'zd-token' },
      { externalTicketId: '123', priority: 'high' },
      new Date(),
    );
    expect(result).toMatchObject({ ok: false, status: null, permanent: false });
    expect(!result.ok && result.error).toContain('not a public address');
    expect(received.length).toBe(before);
  });
});
