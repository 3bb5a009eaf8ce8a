import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSurveyLink, SecretBox } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ours: TestWorkspace;
let theirs: TestWorkspace;
let theirTicketId: string;
const secrets = new SecretBox(randomBytes(32));
let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ours = await createTestWorkspace(database);
  theirs = await createTestWorkspace(database);
  app = await createTestApp(database, { secrets });
  for (const ws of [ours, theirs]) {
    const seeded = await app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: { userId: 'ada', traits: { email: 'ada@acme.example' } },
    });
    expect(seeded.statusCode, seeded.body).toBe(200);
  }
  const ticket = await app.inject({
    method: 'POST',
    url: '/api/v1/tickets',
    headers: { authorization: `Bearer ${theirs.writeKey}` },
    payload: { externalId: 'T-9', userId: 'ada', subject: 'Help' },
  });
  expect(ticket.statusCode, ticket.body).toBe(201);
  theirTicketId = ticket.json<{ id: string }>().id;
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const call = (method: 'GET' | 'POST', url: string, key: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
const surveysOf = (ws: TestWorkspace) =>
  database.owner.selectFrom('surveys').selectAll().where('workspace_id', '=', ws.workspace.id).orderBy('submitted_at').execute();
const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
const send = (path: string, form: string) =>
  app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form });

describe('refused survey requests store nothing', () => {
  // "Nothing" is against what was stored before: the link-scanner tests below record answers in `ours`.
  it('answers 404 for an answer about an unknown ticket without creating its person', async () => {
    const before = await surveysOf(ours);
    const refused = await call('POST', '/api/v1/surveys/responses', ours.writeKey, {
      userId: 'newcomer',
      kind: 'csat',
      score: 4,
      ticketId: randomUUID(),
    });
    expect(refused.statusCode, refused.body).toBe(404);
    expect(refused.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('ticketId') } });
    expect((await call('GET', '/api/v1/people/newcomer', ours.adminKey)).statusCode).toBe(404);
    expect(await surveysOf(ours)).toEqual(before);
  });

  it("refuses a survey link about another workspace's ticket when it is issued", async () => {
    const refused = await call('POST', '/api/v1/surveys/links', ours.writeKey, { userId: 'ada', kind: 'csat', ticketId: theirTicketId });
    expect(refused.statusCode, refused.body).toBe(404);
    expect(refused.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('ticketId') } });
  });

  it('never says "recorded" on a link whose ticket this workspace does not have', async () => {
    const before = { ours: await surveysOf(ours), theirs: await surveysOf(theirs) };
    // As a link issued before the check existed: signed for our workspace, naming their ticket.
    const { token } = issueSurveyLink(secrets.linkKey, {
      workspaceId: ours.workspace.id,
      userId: 'ada',
      kind: 'csat',
      ticketId: theirTicketId,
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    });
    const answered = await send(`/s/${token}`, 'score=5&comment=great');
    expect(answered.statusCode).toBe(410);
    expect(answered.body).not.toMatch(/recorded your answer/i);
    expect(answered.body).toContain('nothing was recorded');
    expect(await surveysOf(ours)).toEqual(before.ours);
    expect(await surveysOf(theirs)).toEqual(before.theirs);
    const ticket = await call('GET', `/api/v1/tickets/${theirTicketId}`, theirs.adminKey);
    expect(ticket.json()).toMatchObject({ csat: null });
  });
});

describe('hosted survey pages against link scanners', () => {
  it('records nothing on HEAD or GET, shows the score chosen, and records what the person sends', async () => {
    const link = await call('POST', '/api/v1/surveys/links', ours.writeKey, { userId: 'ada', kind: 'nps' });
    expect(link.statusCode, link.body).toBe(200);
    const { scoreUrls } = link.json<{ scoreUrls: Record<string, string> }>();

    const head = await app.inject({ method: 'HEAD', url: pathOf(scoreUrls['9']!) });
    expect(head.statusCode).toBe(200);
    // A scanner that opens every score's link, as some mail gateways do, answers nothing either.
    for (const url of Object.values(scoreUrls)) expect((await app.inject({ url: pathOf(url) })).statusCode).toBe(200);
    expect(await surveysOf(ours)).toEqual([]);

    const opened = await app.inject({ url: pathOf(scoreUrls['9']!) });
    expect(opened.body).toMatch(/<input type="radio" name="score" value="9" required checked>/);
    expect(opened.body).toMatch(/<form method="post" action="\/s\/[^"]+">/);
    expect(opened.body).not.toMatch(/recorded/i);

    const path = new URL(scoreUrls['9']!).pathname;
    const sent = await send(path, 'score=9&comment=Love+it');
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('We recorded your answer: <strong>9</strong>');
    expect(await surveysOf(ours)).toMatchObject([{ source: 'link', nps: 9, category: 'promoter', comment: 'Love it' }]);
    // Sent again with another score and no comment: the same answer, its comment kept.
    await send(path, 'score=10');
    expect(await surveysOf(ours)).toMatchObject([{ nps: 10, comment: 'Love it' }]);
    const noScore = await send(path, 'comment=hi');
    expect(noScore.statusCode).toBe(400);
    expect(await surveysOf(ours)).toMatchObject([{ nps: 10, comment: 'Love it' }]);
  });

  it('may not be framed by another site, and keeps its other protections', async () => {
    const link = await call('POST', '/api/v1/surveys/links', ours.writeKey, { userId: 'ada', kind: 'csat' });
    for (const response of [await app.inject({ url: pathOf(link.json<{ url: string }>().url) }), await app.inject({ url: '/s/garbage' })]) {
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });
});
