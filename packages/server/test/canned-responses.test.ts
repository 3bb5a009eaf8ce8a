import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
const now = () => new Date();
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
  return app.inject({ method, url, headers: admin(), ...(payload ? { payload } : {}) });
}
async function ok<T>(answer: Promise<{ statusCode: number; body: string; json: <J>() => J }>): Promise<T> {
  const response = await answer;
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json<T>();
}
async function ticket(body: object): Promise<string> {
  return (await ok<{ id: string }>(call('POST', '/api/v1/tickets', body))).id;
}
interface Suggestion {
  key: string;
  title: string;
  body: string;
  score: number;
  why: string;
}
const suggestions = (ticketId: string) => ok<Suggestion[]>(call('GET', `/api/v1/tickets/${ticketId}/suggestions`));

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
        { type: 'identify', userId: 'ada', traits: { email: 'ada@acme.example', name: 'Ada', nickname: '<b>Ada</b>' } },
        { type: 'group', userId: 'ada', groupId: 'acme', traits: { name: 'Acme', plan: 'enterprise' } },
        { type: 'identify', userId: 'bob', traits: { email: 'bob@small.example', name: 'Bob' } },
        { type: 'group', userId: 'bob', groupId: 'small', traits: { name: 'Small', plan: 'starter' } },
      ],
    },
  });
  expect(seeded.statusCode, seeded.body).toBe(200);
  await ok(call('POST', '/api/v1/segments', { key: 'enterprise', name: 'Enterprise', target: 'account', rule: 'plan = "enterprise"' }));
  await worker.drain();
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('canned responses', () => {
  it('stores a response and lists it by key', async () => {
    const created = await call('PUT', '/api/v1/canned-responses/refund', {
      title: 'Refund for a double charge',
      body: 'Hi {{ person.name }}, we refunded the duplicate charge on your {{ account.plan }} invoice.{{ person.shoe_size }}',
      tags: ['billing'],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ key: 'refund', segments: null, languages: null, tags: ['billing'] });
    const replaced = await call('PUT', '/api/v1/canned-responses/refund', {
      title: 'Refund for a double charge',
      body: 'Hi {{ person.name }}, we refunded the duplicate charge on your {{ account.plan }} invoice.{{ person.shoe_size }}',
      tags: ['billing', 'billing'],
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ tags: ['billing'] });
    await ok(
      call('PUT', '/api/v1/canned-responses/enterprise-refund', {
        title: 'Refund through your account manager',
        body: 'Hi {{ person.name }}, your account manager at {{ account.name }} will refund the charge today.',
        segments: ['enterprise'],
      }),
    );
    await ok(
      call('PUT', '/api/v1/canned-responses/password', {
        title: 'Reset your password',
        body: 'Use the link on the sign-in page to reset your password, {{ person.nickname }}.',
        languages: ['en'],
      }),
    );
    await ok(
      call('PUT', '/api/v1/canned-responses/passwort', {
        title: 'Passwort zurücksetzen',
        body: 'Bitte setzen Sie Ihr Passwort zurück.',
        languages: ['de'],
      }),
    );
    const list = await ok<Array<{ key: string }>>(call('GET', '/api/v1/canned-responses'));
    expect(list.map((r) => r.key)).toEqual(['enterprise-refund', 'password', 'passwort', 'refund']);
    expect(await ok(call('GET', '/api/v1/canned-responses/password'))).toMatchObject({ languages: ['en'] });
  });

  it('refuses a template that does not parse, an unknown segment and a bad language, naming each field, and stores nothing', async () => {
    const refused = await call('PUT', '/api/v1/canned-responses/broken', {
      title: 'Broken',
      body: 'Hello\n{% if person.name %}unclosed',
      segments: ['enterprise', 'no-such-segment'],
      languages: ['en', 'english'],
    });
    expect(refused.statusCode).toBe(400);
    const details = refused.json<{ error: { details: Array<{ field: string; message: string; line?: number; column?: number }> } }>().error
      .details;
    expect(details.map((d) => d.field)).toEqual(['body', 'segments[1]', 'languages[1]']);
    expect(details[0]).toMatchObject({ line: 2, column: 1 });
    expect(details[0]!.message).toContain('not closed');
    expect(details[1]!.message).toContain('no-such-segment');
    expect(details[2]!.message).toContain('english');
    expect((await call('GET', '/api/v1/canned-responses/broken')).statusCode).toBe(404);

    const unclosedOutput = await call('PUT', '/api/v1/canned-responses/broken', { title: 'Broken', body: 'Hi {{ person.name' });
    expect(unclosedOutput.json<{ error: { details: unknown[] } }>().error.details).toEqual([
      expect.objectContaining({ field: 'body', line: 1, column: 4 }),
    ]);
  });

  it('refuses templates that would read files or call unknown filters', async () => {
    for (const body of ['{% include "/etc/passwd" %}', '{% render "secrets" %}', '{% layout "base" %}x', '{{ person.name | shell }}']) {
      const refused = await call('PUT', '/api/v1/canned-responses/sneaky', { title: 'Sneaky', body });
      expect(refused.statusCode, body).toBe(400);
      expect(refused.json<{ error: { details: Array<{ field: string }> } }>().error.details[0]!.field).toBe('body');
    }
    expect((await call('GET', '/api/v1/canned-responses/sneaky')).statusCode).toBe(404);
  });

  it('suggests the allowed responses ranked by the words of the ticket, rendered for its customer', async () => {
    const id = await ticket({
      userId: 'ada',
      channel: 'email',
      subject: 'Charged twice',
      description: 'We were charged twice this month. Please refund the duplicate charge on our invoice.',
    });
    const answer = await suggestions(id);
    // The German response is out (the ticket is in English); the enterprise one is in (Acme is enterprise).
    expect(answer.map((s) => s.key)).toEqual(['refund', 'enterprise-refund', 'password']);
    const [refund, enterprise, password] = answer;
    expect(refund!.score).toBeGreaterThan(enterprise!.score);
    expect(enterprise!.score).toBeGreaterThan(0);
    expect(password!.score).toBe(0);
    expect(refund!.body).toBe('Hi Ada, we refunded the duplicate charge on your enterprise invoice.');
    expect(refund!.why).toMatch(/^matched "(duplicate|charge|refunded|invoice)"/);
    expect(refund!.why).toContain('"invoice"');
    expect(refund!.why).toContain('allowed for any customer, any language');
    expect(enterprise!.why).toContain('allowed for the account is in enterprise, any language');
    expect(password!.why).toContain('no words in common');
    expect(password!.why).toContain('the ticket is in en');
    // E-mail replies are HTML: values are escaped.
    expect(password!.body).toBe('Use the link on the sign-in page to reset your password, &lt;b&gt;Ada&lt;/b&gt;.');
  });

  it('keeps a segment-scoped response from a customer outside the segment, and leaves chat replies unescaped', async () => {
    const id = await ticket({
      userId: 'bob',
      channel: 'chat',
      subject: 'Password',
      description: 'I forgot my password and cannot reset it from the sign-in page.',
    });
    const answer = await suggestions(id);
    expect(answer.map((s) => s.key)).toEqual(['password', 'refund']);
    expect(answer[0]!.why).toContain('"password"');
    expect(answer[0]!.body).toBe('Use the link on the sign-in page to reset your password, .');
    const adaChat = await ticket({ userId: 'ada', channel: 'chat', description: 'How do I reset my password from the sign-in page?' });
    expect((await suggestions(adaChat)).find((s) => s.key === 'password')!.body).toContain(', <b>Ada</b>.');
  });

  it('follows the customer into and out of a segment', async () => {
    const id = await ticket({ userId: 'bob', channel: 'chat', description: 'Please refund the charge, our account manager agreed.' });
    expect((await suggestions(id)).map((s) => s.key)).not.toContain('enterprise-refund');
    await app.inject({
      method: 'POST',
      url: '/v1/group',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: { userId: 'bob', groupId: 'small', traits: { plan: 'enterprise' } },
    });
    await worker.drain();
    expect((await suggestions(id)).map((s) => s.key)).toContain('enterprise-refund');
  });

  it('previews a template for a chosen person or ticket before it is saved', async () => {
    const body = 'Hi {{ person.nickname }} of {{ account.name }} ({{ account.plan }}){{ ticket.subject }}';
    expect(await ok(call('POST', '/api/v1/canned-responses/preview', { body, userId: 'ada' }))).toEqual({
      body: 'Hi &lt;b&gt;Ada&lt;/b&gt; of Acme (enterprise)',
      html: true,
    });
    expect(await ok(call('POST', '/api/v1/canned-responses/preview', { body, userId: 'ada', channel: 'chat' }))).toEqual({
      body: 'Hi <b>Ada</b> of Acme (enterprise)',
      html: false,
    });
    const id = await ticket({ userId: 'bob', channel: 'phone', subject: ' about the invoice', description: 'Invoice question' });
    expect(await ok(call('POST', '/api/v1/canned-responses/preview', { body, ticketId: id }))).toMatchObject({
      body: expect.stringMatching(/^Hi  of Small \((starter|enterprise)\) about the invoice$/),
      html: false,
    });
    const broken = await call('POST', '/api/v1/canned-responses/preview', { body: '{{ person.name', userId: 'ada' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json<{ error: { details: unknown[] } }>().error.details).toEqual([expect.objectContaining({ field: 'body', line: 1 })]);
    const runaway = await call('POST', '/api/v1/canned-responses/preview', {
      body: '{% for i in (1..100000000) %}{{ i }}{% endfor %}',
      userId: 'ada',
    });
    expect(runaway.statusCode).toBe(400);
    expect(runaway.json<{ error: { message: string } }>().error.message).toContain('could not be rendered');
    const nobody = await call('POST', '/api/v1/canned-responses/preview', { body: 'Hi', userId: 'nobody' });
    expect(nobody.json<{ error: { details: unknown[] } }>().error.details).toEqual([expect.objectContaining({ field: 'userId' })]);
  });

  it('deletes a response, and answers 404 for an unknown ticket', async () => {
    expect((await call('DELETE', '/api/v1/canned-responses/passwort')).statusCode).toBe(204);
    expect((await call('DELETE', '/api/v1/canned-responses/passwort')).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/canned-responses/passwort')).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/tickets/no-such-ticket/suggestions')).statusCode).toBe(404);
  });
});
