import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceEnrolment, LiveSegmentWorker, pollPlaybookTriggers, SecretBox, type TaskServices } from '@strata/engine';
import { ensureEventPartitions, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;
let nowMs = Date.UTC(2026, 2, 10, 8);
const now = () => new Date(nowMs);
const services: TaskServices = { post: () => Promise.reject(new Error('no webhook in these tests')) };

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-03', '2026-04']);
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now, secrets: new SecretBox(randomBytes(32)) });
  worker = new LiveSegmentWorker({ db: database.db, now });
  await send(['ada', 'bob'].map((userId) => ({ type: 'identify', userId, traits: { plan: 'free' } })));
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const scope = () => workspaceScope(database.db, ws.workspace.id, now);
async function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
}
async function send(batch: Array<Record<string, unknown>>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: batch.map((m) => ({ timestamp: now().toISOString(), messageId: `m-${randomBytes(6).toString('hex')}`, ...m })) },
  });
  expect(response.statusCode, response.body).toBe(200);
  await worker.drain();
}
/** The product's server side, computed here with node:crypto alone: hex HMAC-SHA256 of the userId. */
const userHash = (secret: string, userId: string) => createHmac('sha256', secret).update(userId).digest('hex');
type Message = { id: string; title: string; body: string; cta: unknown; status: string; seenAt: string | null; expiresAt: string };
async function inApp(userId: string, hash: string | undefined, headers: Record<string, string> = {}) {
  const query = new URLSearchParams({ userId, ...(hash === undefined ? {} : { userHash: hash }) });
  return app.inject({
    method: 'GET',
    url: `/v1/in-app?${query.toString()}`,
    headers: { authorization: basicAuth(ws.writeKey), ...headers },
  });
}
async function mark(id: string, what: 'seen' | 'dismissed', userId: string, hash: string) {
  return app.inject({
    method: 'POST',
    url: `/v1/in-app/${id}/${what}?userId=${userId}`,
    headers: { authorization: basicAuth(ws.writeKey), 'x-user-hash': hash },
  });
}
let secret = '';

describe('in-app messages', { shuffle: false }, () => {
  it('gives admins the identity secret, the same on each read', async () => {
    const first = await api('GET', '/api/v1/settings/in-app');
    expect(first.statusCode, first.body).toBe(200);
    secret = first.json<{ identitySecret: string }>().identitySecret;
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect((await api('GET', '/api/v1/settings/in-app')).json()).toEqual({ identitySecret: secret });
    // A write key is no admin.
    const asWriter = await app.inject({
      method: 'GET',
      url: '/api/v1/settings/in-app',
      headers: { authorization: `Bearer ${ws.writeKey}` },
    });
    expect(asWriter.statusCode).toBe(403);
    // Stored sealed: the table never holds the secret's text.
    const stored = await database.owner.selectFrom('in_app_secrets').select('secret_ciphertext').execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secret_ciphertext.toString('latin1')).not.toContain(secret);
  });

  it('refuses an in-app step whose call to action is no web address, naming the field', async () => {
    const bad = await api('PUT', '/api/v1/playbooks/upsell', {
      name: 'Upsell',
      enabled: true,
      trigger: { on: 'event', event: 'limit-reached' },
      steps: [{ type: 'in-app', title: 'Upgrade', body: 'More seats on Pro', cta: { label: 'Upgrade', url: 'javascript:alert(1)' } }],
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field)).toEqual(['steps[0].cta.url']);
    expect((await api('GET', '/api/v1/playbooks/upsell')).statusCode).toBe(404);
  });

  it("stores a run's messages once, and answers them only with the person's own hash", async () => {
    const saved = await api('PUT', '/api/v1/playbooks/upsell', {
      name: 'Upsell',
      enabled: true,
      trigger: { on: 'event', event: 'limit-reached' },
      steps: [
        {
          type: 'in-app',
          title: 'Upgrade to Pro',
          body: 'You reached 5 seats.',
          cta: { label: 'Upgrade', url: 'https://app.example.com/upgrade' },
        },
        { type: 'in-app', title: 'Tip of the day', body: 'Invite your team.', expiresInDays: 1 },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(201);
    nowMs += 60_000;
    await send(['ada', 'bob'].map((userId) => ({ type: 'track', userId, event: 'limit-reached' })));
    const deadline = Date.now() + 30_000;
    let runs: Array<{ id: string }> = [];
    while (runs.length < 2) {
      if (Date.now() > deadline) throw new Error('the event trigger enrolled nobody');
      await pollPlaybookTriggers(scope());
      runs = (await api('GET', '/api/v1/playbooks/upsell/runs')).json<Array<{ id: string }>>();
      await sleep(100);
    }
    for (const run of runs) {
      await advanceEnrolment(scope(), run.id, services);
      await advanceEnrolment(scope(), run.id, services); // again: nothing more is stored
    }

    const ada = await inApp('ada', userHash(secret, 'ada'));
    expect(ada.statusCode, ada.body).toBe(200);
    const messages = ada.json<{ messages: Message[] }>().messages;
    expect(messages.map((m) => [m.title, m.body, m.cta, m.status])).toEqual([
      ['Upgrade to Pro', 'You reached 5 seats.', { label: 'Upgrade', url: 'https://app.example.com/upgrade' }, 'pending'],
      ['Tip of the day', 'Invite your team.', null, 'pending'],
    ]);
    expect(messages[0]!.expiresAt).toBe(new Date(nowMs + 30 * 86_400_000).toISOString());

    // Bob's hash does not open Ada's messages; no hash, a malformed one or a wrong write key neither.
    expect((await inApp('ada', userHash(secret, 'bob'))).statusCode).toBe(401);
    expect((await inApp('ada', undefined)).statusCode).toBe(401);
    expect((await inApp('ada', 'zz')).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          url: `/v1/in-app?userId=ada&userHash=${userHash(secret, 'ada')}`,
          headers: { authorization: basicAuth('nope') },
        })
      ).statusCode,
    ).toBe(401);
    // The hash may come as a header.
    expect((await inApp('ada', undefined, { 'x-user-hash': userHash(secret, 'ada') })).statusCode).toBe(200);

    // Ada cannot mark Bob's messages.
    const bobs = (await inApp('bob', userHash(secret, 'bob'))).json<{ messages: Message[] }>().messages;
    expect(bobs).toHaveLength(2);
    expect((await mark(bobs[0]!.id, 'seen', 'ada', userHash(secret, 'ada'))).statusCode).toBe(404);
    expect((await mark(bobs[0]!.id, 'dismissed', 'ada', userHash(secret, 'ada'))).statusCode).toBe(404);
    expect((await mark(bobs[0]!.id, 'seen', 'ada', userHash(secret, 'bob'))).statusCode).toBe(401);
    expect((await inApp('bob', userHash(secret, 'bob'))).json<{ messages: Message[] }>().messages.map((m) => m.status)).toEqual([
      'pending',
      'pending',
    ]);
  });

  it('marks a message seen, then dismissed, and stops showing it; an expired one is gone too', async () => {
    const hash = userHash(secret, 'ada');
    const [upgrade, tip] = (await inApp('ada', hash)).json<{ messages: Message[] }>().messages;
    expect((await mark(upgrade!.id, 'seen', 'ada', hash)).statusCode).toBe(204);
    const seen = (await inApp('ada', hash)).json<{ messages: Message[] }>().messages;
    expect(seen.map((m) => [m.id, m.status])).toEqual([
      [upgrade!.id, 'seen'],
      [tip!.id, 'pending'],
    ]);
    expect(seen[0]!.seenAt).toBe(now().toISOString());
    expect((await mark(upgrade!.id, 'dismissed', 'ada', hash)).statusCode).toBe(204);
    expect((await inApp('ada', hash)).json<{ messages: Message[] }>().messages.map((m) => m.id)).toEqual([tip!.id]);
    // Seen after dismissed stays dismissed.
    expect((await mark(upgrade!.id, 'seen', 'ada', hash)).statusCode).toBe(204);
    expect((await inApp('ada', hash)).json<{ messages: Message[] }>().messages.map((m) => m.id)).toEqual([tip!.id]);
    // The tip lived one day.
    nowMs += 86_400_000 + 1;
    expect((await inApp('ada', hash)).json<{ messages: Message[] }>().messages).toEqual([]);
    expect((await mark('not-a-number', 'seen', 'ada', hash)).statusCode).toBe(404);
  });

  it('answers pages only of allowed origins, with CORS', async () => {
    const hash = userHash(secret, 'bob');
    expect((await inApp('bob', hash, { origin: 'https://app.example.com' })).statusCode).toBe(403);
    const allowed = await api('PUT', '/api/v1/settings/ingestion', { allowedOrigins: ['https://app.example.com'] });
    expect(allowed.statusCode, allowed.body).toBe(200);
    const fromPage = await inApp('bob', hash, { origin: 'https://app.example.com' });
    expect(fromPage.statusCode, fromPage.body).toBe(200);
    expect(fromPage.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('rotates the secret: hashes made with the old one stop working', async () => {
    const rotated = await api('POST', '/api/v1/settings/in-app/rotate');
    expect(rotated.statusCode, rotated.body).toBe(200);
    const next = rotated.json<{ identitySecret: string }>().identitySecret;
    expect(next).not.toBe(secret);
    expect((await inApp('bob', userHash(secret, 'bob'))).statusCode).toBe(401);
    expect((await inApp('bob', userHash(next, 'bob'))).statusCode).toBe(200);
    expect((await api('GET', '/api/v1/settings/in-app')).json()).toEqual({ identitySecret: next });
  });
});
