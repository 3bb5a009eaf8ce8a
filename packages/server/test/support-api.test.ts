import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let nowMs = Date.UTC(2026, 2, 9, 9); // a Monday, 09:00 UTC
const now = () => new Date(nowMs);
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
  const seeded = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: {
      batch: [
        { type: 'identify', userId: 'ada', traits: { email: 'ada@acme.example' }, timestamp: now().toISOString() },
        { type: 'group', userId: 'ada', groupId: 'acme', traits: { name: 'Acme' }, timestamp: now().toISOString() },
        { type: 'identify', userId: 'bob', traits: { email: 'bob@acme.example' }, timestamp: now().toISOString() },
        { type: 'group', userId: 'bob', groupId: 'acme', timestamp: now().toISOString() },
      ],
    },
  });
  expect(seeded.statusCode, seeded.body).toBe(200);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const write = () => ({ authorization: `Bearer ${ws.writeKey}` });
const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object, headers = admin()) {
  return app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}
async function members(key: string) {
  await worker.drain();
  const response = await call('GET', `/api/v1/segments/${key}/members`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id);
}

describe('tickets API', () => {
  let ticketId: string;

  it('creates a ticket idempotently by externalId, with sentiment and language', async () => {
    const body = {
      externalId: 'T-1',
      userId: 'ada',
      subject: 'Billing page is broken',
      description: 'This is awful. The billing page crashes every time and we cannot pay our invoice!',
      priority: 'urgent',
      channel: 'email',
    };
    const first = await call('POST', '/api/v1/tickets', body, write());
    expect(first.statusCode, first.body).toBe(201);
    const ticket = first.json<{
      id: string;
      sentiment: { label: string; score: number };
      language: string;
      groupId: string;
      status: string;
    }>();
    expect(ticket).toMatchObject({ groupId: 'acme', status: 'new', language: 'en', sentiment: { label: 'negative' } });
    expect(ticket.sentiment.score).toBeLessThan(0);
    ticketId = ticket.id;
    const again = await call('POST', '/api/v1/tickets', body, write());
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: ticketId });
    expect((await call('GET', '/api/v1/tickets/T-1')).json()).toMatchObject({ id: ticketId, externalId: 'T-1' });
    expect((await call('GET', `/api/v1/tickets/${ticketId}`)).json()).toMatchObject({ id: ticketId });
  });

  it('names the field and the fix for bad input', async () => {
    const bad = await call('POST', '/api/v1/tickets', { userId: 'ada', priority: 'critical' }, write());
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('priority');
    const nobody = await call('POST', '/api/v1/tickets', { subject: 'x' }, write());
    expect(nobody.statusCode).toBe(400);
    expect(nobody.body).toMatch(/userId, email or groupId/);
    expect((await call('GET', '/api/v1/tickets/nope')).statusCode).toBe(404);
  });

  it('derives first response, resolution and reopen count from messages and status changes', async () => {
    nowMs += 45 * 60_000;
    const reply = await call(
      'POST',
      `/api/v1/tickets/${ticketId}/messages`,
      { author: 'agent', body: 'Fixed, sorry about that.', externalId: 'm-1' },
      write(),
    );
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json()).toMatchObject({ firstResponseMinutes: 45, firstResponseBusinessMinutes: 45 });
    const internal = await call(
      'POST',
      `/api/v1/tickets/${ticketId}/messages`,
      { author: 'agent', public: false, body: 'note to self' },
      write(),
    );
    expect(internal.json<{ messages: unknown[] }>().messages).toHaveLength(3);

    nowMs += 15 * 60_000;
    const solved = await call('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'solved' }, write());
    expect(solved.json()).toMatchObject({ status: 'solved', open: false, resolutionMinutes: 60, reopenCount: 0 });
    const thanks = await call(
      'POST',
      `/api/v1/tickets/${ticketId}/messages`,
      { author: 'customer', body: 'Thank you so much, great support!' },
      write(),
    );
    expect(thanks.json()).toMatchObject({ sentiment: { label: 'positive' }, worstSentiment: { label: 'negative' } });
    const reopened = await call('PATCH', `/api/v1/tickets/T-1`, { status: 'open' }, write());
    expect(reopened.json()).toMatchObject({ status: 'open', open: true, reopenCount: 1, solvedAt: null });
  });

  it('counts business hours from the workspace setting', async () => {
    const hours = await call('PUT', '/api/v1/settings/business-hours', {
      timezone: 'Europe/Berlin',
      start: '10:00',
      end: '18:00',
      holidays: ['2026-03-10'],
    });
    expect(hours.statusCode, hours.body).toBe(200);
    expect(hours.json()).toMatchObject({ timezone: 'Europe/Berlin', workingDays: [1, 2, 3, 4, 5] });
    const bad = await call('PUT', '/api/v1/settings/business-hours', { timezone: 'Mars/Base' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('timezone');
    // Created Monday 16:00 UTC (17:00 Berlin), answered Wednesday 09:30 UTC (10:30 Berlin), Tuesday a holiday.
    const created = await call(
      'POST',
      '/api/v1/tickets',
      { externalId: 'T-2', userId: 'bob', subject: 'Question', createdAt: '2026-03-09T16:00:00Z', firstResponseAt: '2026-03-11T09:30:00Z' },
      write(),
    );
    expect(created.json()).toMatchObject({ firstResponseMinutes: 2490, firstResponseBusinessMinutes: 90 });
  });
});

describe('surveys API and hosted links', () => {
  it('records NPS with its category and CSAT on a ticket', async () => {
    const nps = await call('POST', '/api/v1/surveys/responses', { userId: 'bob', kind: 'nps', score: 6, comment: 'Slow lately' }, write());
    expect(nps.statusCode, nps.body).toBe(201);
    expect(nps.json()).toMatchObject({ kind: 'nps', score: 6, category: 'detractor', userId: 'bob', groupId: 'acme' });
    const ticket = (await call('GET', '/api/v1/tickets/T-1')).json<{ id: string }>();
    const csat = await call('POST', '/api/v1/surveys/responses', { userId: 'ada', kind: 'csat', score: 2, ticketId: ticket.id }, write());
    expect(csat.statusCode, csat.body).toBe(201);
    expect((await call('GET', '/api/v1/tickets/T-1')).json()).toMatchObject({ csat: { score: 2 } });
    const out = await call('POST', '/api/v1/surveys/responses', { userId: 'bob', kind: 'csat', score: 9 }, write());
    expect(out.statusCode).toBe(400);
    expect(out.body).toMatch(/score.*1 to 5/);
  });

  it('records the answer sent from the page of a link, updates it when sent again, and takes a comment', async () => {
    const link = await call('POST', '/api/v1/surveys/links', { userId: 'ada', kind: 'nps' }, write());
    expect(link.statusCode, link.body).toBe(200);
    const { scoreUrls } = link.json<{ url: string; scoreUrls: Record<string, string> }>();
    expect(Object.keys(scoreUrls)).toHaveLength(11);
    const path = (url: string) => new URL(url).pathname + new URL(url).search;
    const count = async () =>
      await database.owner
        .selectFrom('surveys')
        .selectAll()
        .where('workspace_id', '=', ws.workspace.id)
        .where('source', '=', 'link')
        .execute();
    const token = new URL(scoreUrls['9']!).pathname;
    const send = (form: string) =>
      app.inject({ method: 'POST', url: token, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form });

    const opened = await app.inject({ url: path(scoreUrls['3']!) });
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['content-type']).toMatch(/text\/html/);
    expect(opened.body).toContain('<form');
    expect(await count()).toEqual([]);
    await send('score=3');
    expect(await count()).toMatchObject([{ nps: 3, category: 'detractor' }]);
    await send('score=9');
    expect(await count()).toMatchObject([{ nps: 9, category: 'promoter' }]);

    const comment = await send('score=9&comment=Love+it+%3Cb%3E');
    expect(comment.statusCode).toBe(200);
    expect(await count()).toMatchObject([{ nps: 9, comment: 'Love it <b>' }]);
    // A change of mind later keeps the comment.
    await send('score=10');
    expect(await count()).toMatchObject([{ nps: 10, comment: 'Love it <b>' }]);
  });

  it('refuses expired and forged links with a clear page and records nothing', async () => {
    const link = (await call('POST', '/api/v1/surveys/links', { userId: 'bob', kind: 'csat', expiresInDays: 1 }, write())).json<{
      url: string;
    }>();
    const path = new URL(link.url).pathname;
    const before = await database.owner.selectFrom('surveys').select('survey_id').where('workspace_id', '=', ws.workspace.id).execute();

    const [body, signature] = path.slice(3).split('.');
    const forgedBody = Buffer.from(Buffer.from(body!, 'base64url').toString().replace('"bob"', '"ada"')).toString('base64url');
    const forged = await app.inject({ url: `/s/${forgedBody}.${signature}?score=5` });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toContain('not valid');
    expect((await app.inject({ url: '/s/garbage?score=5' })).statusCode).toBe(400);

    nowMs += 2 * 86_400_000;
    const expired = await app.inject({ url: `${path}?score=5` });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired');
    const posted = await app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'score=5&comment=hi',
    });
    expect(posted.statusCode).toBe(410);
    const after = await database.owner.selectFrom('surveys').select('survey_id').where('workspace_id', '=', ws.workspace.id).execute();
    expect(after).toHaveLength(before.length);
  });
});

describe('integrations API', () => {
  it('answers a per-workspace webhook URL and demands a secret from providers that sign', async () => {
    const put = await call('PUT', '/api/v1/integrations/stripe', { secret: 'whsec_abcdefghijklmnop' });
    expect(put.statusCode, put.body).toBe(200);
    const { webhookUrl } = put.json<{ webhookUrl: string }>();
    expect(webhookUrl).toMatch(/\/webhooks\/stripe\/[A-Za-z0-9_-]{43}$/);
    const again = await call('PUT', '/api/v1/integrations/stripe', { secret: 'whsec_rotated_secret_000' });
    expect(again.json()).toMatchObject({ webhookUrl }); // rotating the secret keeps the URL
    expect((await call('GET', '/api/v1/integrations/stripe')).json()).toMatchObject({ webhookUrl, hasSecret: true });
    const missing = await call('PUT', '/api/v1/integrations/zendesk', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('secret');
    expect((await call('PUT', '/api/v1/integrations/paypal', { secret: 'x'.repeat(10) })).statusCode).toBe(400);
    expect((await call('PUT', '/api/v1/integrations/stripe', { secret: 'whsec_abcdefghijklmnop' }, write())).statusCode).toBe(403);
  });

  it('says which setting is missing when no secret key is configured', async () => {
    const bare = await createTestApp(database, { now, secrets: null });
    const response = await bare.inject({
      method: 'PUT',
      url: '/api/v1/integrations/stripe',
      headers: admin(),
      payload: { secret: 'whsec_abcdefghijklmnop' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('STRATA_SECRET_KEY');
    await bare.close();
  });
});

describe('support data moves segment membership live', () => {
  it('an urgent ticket, a CSAT and an NPS answer enter and leave segments', async () => {
    const segments = [
      {
        key: 'urgent-tickets',
        name: 'Urgent tickets',
        target: 'account',
        rule: 'count(tickets where priority = "urgent" and is_open = true) >= 2',
      },
      { key: 'detractors', name: 'Detractors', target: 'person', rule: 'last(surveys.category) = "detractor"' },
      {
        key: 'unhappy-support',
        name: 'Unhappy with support',
        target: 'person',
        rule: 'min(tickets.worst_sentiment within last 30 days) < -0.1',
      },
    ];
    for (const segment of segments) {
      const created = await call('POST', '/api/v1/segments', segment);
      expect(created.statusCode, created.body).toBe(201);
    }
    expect(await members('urgent-tickets')).toEqual([]);
    expect(await members('detractors')).toEqual(['bob']);
    expect(await members('unhappy-support')).toEqual(['ada']);

    await call('POST', '/api/v1/tickets', { externalId: 'T-3', userId: 'bob', subject: 'Down', priority: 'urgent' }, write());
    expect(await members('urgent-tickets')).toEqual(['acme']);
    await call('PATCH', '/api/v1/tickets/T-3', { status: 'solved' }, write());
    expect(await members('urgent-tickets')).toEqual([]);

    await call('POST', '/api/v1/surveys/responses', { userId: 'bob', kind: 'nps', score: 10 }, write());
    expect(await members('detractors')).toEqual([]);
    const explain = await call('GET', '/api/v1/segments/detractors/explain?id=bob');
    expect(explain.json<{ history: Array<{ change: string; cause: { kind: string } }> }>().history.at(-1)).toMatchObject({
      change: 'exit',
      cause: { kind: 'support' },
    });
  });
});
