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

const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.body === '' ? null : response.json() };
};

const texts = {
  en: 'The export page keeps failing with an error and we cannot download our monthly report anymore.',
  de: 'Die Exportseite zeigt immer einen Fehler und wir können unseren Monatsbericht nicht mehr herunterladen.',
  fr: "La page d'export affiche toujours une erreur et nous ne pouvons plus télécharger notre rapport mensuel.",
};
async function ticket(userId: string, language: keyof typeof texts): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/tickets',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId, subject: 'Export', description: texts[language] },
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  const created = response.json<{ id: string; language: string | null }>();
  expect(created.language).toBe(language);
  return created.id;
}

it('a queue routes tickets to online agents under capacity who speak their language, and an agent going away hands theirs on', async () => {
  // Bad input names the field and stores nothing.
  const bad = await call('PUT', '/api/v1/queues/tier-1', { name: 'Tier 1', agents: [{ email: 'not-an-email' }] });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('agents');
  expect(JSON.stringify(bad.body)).toContain('email');
  expect((await call('PUT', '/api/v1/queues/Tier 1', { name: 'x', agents: [] })).status).toBe(400);
  expect((await call('GET', '/api/v1/queues')).body).toEqual([]);

  const queue = {
    name: 'Tier 1',
    assignment: 'least-loaded',
    agents: [
      { email: 'ana@support.example', languages: ['en'], capacity: 2 },
      { email: 'Jonas@support.example', languages: ['de', 'en'], capacity: 1 },
    ],
  };
  const created = await call('PUT', '/api/v1/queues/tier-1', queue);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.agents[1]).toEqual({ email: 'jonas@support.example', skills: [], languages: ['de', 'en'], capacity: 1 });
  expect((await call('PUT', '/api/v1/queues/tier-1', queue)).status).toBe(200);

  const german = await ticket('max', 'de');
  const route = (id: string, queueKey = 'tier-1') => call('POST', `/api/v1/tickets/${id}/assignment`, { queue: queueKey });
  expect((await route(german)).body).toMatchObject({ assignee: 'jonas@support.example', languageFallback: false, cause: 'routed' });
  // Jonas is full (capacity 1): English goes to Ana, and so does French, with the fallback said.
  const english = await ticket('ann', 'en');
  expect((await route(english)).body).toMatchObject({ assignee: 'ana@support.example' });
  const french = await ticket('amelie', 'fr');
  const fallback = (await route(french)).body;
  expect(fallback).toMatchObject({ assignee: 'ana@support.example', languageFallback: true });
  expect(fallback.reason).toContain('nobody available speaks fr');
  // Everyone is full now: the next waits, unassigned, with the reason.
  const waiting = await ticket('bob', 'en');
  expect((await route(waiting)).body).toMatchObject({ assignee: null, reason: 'no agent in "tier-1" is online and under capacity' });

  const agents = (await call('GET', '/api/v1/agents')).body;
  expect(agents.map((a: { email: string; openTickets: number }) => [a.email, a.openTickets])).toEqual([
    ['ana@support.example', 2],
    ['jonas@support.example', 1],
  ]);

  // Unknown queue: 400 naming the field.
  const unknown = await route(waiting, 'nope');
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.message).toContain('queue: no queue "nope"');

  // Ana goes away: her two tickets move to whoever can take them. Jonas is full, so they wait.
  const anaAway = await call('PUT', '/api/v1/agents/ana@support.example/status', { status: 'away' });
  expect(anaAway.status, JSON.stringify(anaAway.body)).toBe(200);
  expect(anaAway.body.moved.map((m: { ticketId: string; assignee: string | null }) => [m.ticketId, m.assignee])).toEqual([
    [english, null],
    [french, null],
  ]);
  const history = (await call('GET', `/api/v1/tickets/${english}/assignments`)).body;
  expect(history.map((h: { assignee: string | null; cause: string }) => [h.assignee, h.cause])).toEqual([
    [null, 'agent-away:ana@support.example'],
    ['ana@support.example', 'routed'],
  ]);
  expect((await call('GET', `/api/v1/tickets/${english}`)).body.assignee).toBeNull();

  // Jonas goes away too, and comes back: his German ticket has nowhere to go, and new ones reach him again.
  expect((await call('PUT', '/api/v1/agents/jonas@support.example/status', { status: 'away' })).body.moved).toHaveLength(1);
  await call('PUT', '/api/v1/agents/jonas@support.example/status', { status: 'online' });
  expect((await route(english)).body).toMatchObject({ assignee: 'jonas@support.example' });
  const listed = (await call('GET', '/api/v1/agents')).body;
  expect(listed.map((a: { email: string; status: string }) => [a.email, a.status])).toEqual([
    ['ana@support.example', 'away'],
    ['jonas@support.example', 'online'],
  ]);

  expect((await call('DELETE', '/api/v1/queues/tier-1')).status).toBe(204);
  expect((await call('DELETE', '/api/v1/queues/tier-1')).status).toBe(404);
});

it('a signed-in agent sets their own status, not a colleague’s', async () => {
  const invited = await call('POST', '/api/v1/users', { email: 'cy@support.example', role: 'agent' });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const accepted = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/invitations/accept',
    payload: { token: new URL(invited.body.inviteUrl as string).hash.slice(1), password: 'a long agent password' },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  const cookie = /strata_session=([^;]+)/.exec(String(accepted.headers['set-cookie']))![1]!;
  const asAgent = (email: string) =>
    app.inject({
      method: 'PUT',
      url: `/api/v1/agents/${email}/status`,
      headers: { cookie: `strata_session=${cookie}`, origin: 'http://localhost:80' },
      payload: { status: 'away' },
    });
  expect((await asAgent('cy@support.example')).statusCode).toBe(200);
  const other = await asAgent('ana@support.example');
  expect(other.statusCode).toBe(403);
  expect(other.json<{ error: { message: string } }>().error.message).toContain('only their own status');
});
