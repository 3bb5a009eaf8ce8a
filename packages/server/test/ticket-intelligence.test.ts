import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseTicketText, JobRunner, LiveSegmentWorker, trainTextModelsTask } from '@strata/engine';
import { inWorkspaceTransaction, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
const now = () => new Date();
let app: Awaited<ReturnType<typeof createTestApp>>;
let runner: JobRunner;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  runner = new JobRunner({
    db: database.db,
    pool: database.pool,
    now,
    tasks: { [trainTextModelsTask.name]: trainTextModelsTask },
    services: { post: () => Promise.reject(new Error('no network in this test')) },
  });
  await runner.start();
  const seeded = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: {
      batch: [
        { type: 'identify', userId: 'ada', traits: { email: 'ada@acme.example', language: 'de' } },
        { type: 'identify', userId: 'bob', traits: { email: 'bob@acme.example' } },
      ],
    },
  });
  expect(seeded.statusCode, seeded.body).toBe(200);
});
afterAll(async () => {
  await runner.stop();
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return app.inject({ method, url, headers: admin(), ...(payload ? { payload } : {}) });
}
interface Ticket {
  id: string;
  sentiment: { label: string; score: number } | null;
  language: string | null;
  topic: string | null;
  topics: string[];
  messages: Array<{
    sentimentCorrection: string | null;
    languageSource: string | null;
    languageConfidence: number | null;
    languageSupported: boolean;
  }>;
}
async function ticket(body: object): Promise<Ticket> {
  const response = await call('POST', '/api/v1/tickets', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Ticket>();
}
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('text signals on tickets', () => {
  it('reads German, and a short message in the language of the requester', async () => {
    const german = await ticket({ userId: 'bob', description: 'Das ist wirklich schlecht, nichts funktioniert mehr seit dem Update.' });
    expect(german).toMatchObject({ language: 'de', sentiment: { label: 'negative' } });
    expect(german.messages[0]).toMatchObject({ languageSource: 'text', languageSupported: true });

    const short = await ticket({ userId: 'ada', description: 'Danke!' });
    expect(short.language).toBe('de');
    expect(short.messages[0]).toMatchObject({ languageSource: 'requester', languageConfidence: 1 });
  });

  it('tags topics, from keywords and from tags agents set, and segments read them', async () => {
    const billing = await ticket({ userId: 'bob', subject: 'Invoice', description: 'You charged me twice, I want a refund.' });
    expect(billing).toMatchObject({ topic: 'billing', topics: ['billing'] });
    const tagged = await ticket({ userId: 'bob', description: 'Something odd happened.', tags: ['billing', 'vip'] });
    expect(tagged.topic).toBe('billing');

    const segment = await call('POST', '/api/v1/segments', {
      key: 'billing-trouble',
      name: 'Billing trouble',
      target: 'person',
      rule: 'count(tickets where topic = "billing" within last 30 days) >= 2',
    });
    expect(segment.statusCode, segment.body).toBe(201);
    await new LiveSegmentWorker({ db: database.db, now }).drain();
    const members = await call('GET', '/api/v1/segments/billing-trouble/members');
    expect(members.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id)).toEqual(['bob']);
  });

  it("edits the workspace's topic rules, refusing mistakes with the rule they are in", async () => {
    const refused = await call('PUT', '/api/v1/ticket-topics', { rules: [{ topic: 'Shipping!', keywords: [] }] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ error: { details: Array<{ code: string; path: string }> } }>().error.details.map((d) => d.code)).toEqual([
      'invalid-topic-name',
      'no-keywords',
    ]);
    expect((await call('GET', '/api/v1/ticket-topics')).json()).toMatchObject({ builtIn: true });

    const saved = await call('PUT', '/api/v1/ticket-topics', { rules: [{ topic: 'shipping', keywords: ['parcel', 'tracking number'] }] });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await ticket({ userId: 'bob', description: 'Where is my parcel?' })).topics).toEqual(['shipping']);
    expect((await ticket({ userId: 'bob', description: 'Please refund the invoice.' })).topics).toEqual([]);
  });

  it("takes an agent's correction of a ticket's sentiment", async () => {
    const created = await ticket({ userId: 'bob', description: 'Great, another update.' });
    const corrected = await call('PUT', `/api/v1/tickets/${created.id}/sentiment`, { label: 'negative' });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json<Ticket>()).toMatchObject({ sentiment: { label: 'negative' }, messages: [{ sentimentCorrection: 'negative' }] });
    expect((await call('PUT', '/api/v1/tickets/no-such-ticket/sentiment', { label: 'negative' })).statusCode).toBe(404);
    expect((await call('PUT', `/api/v1/tickets/${created.id}/sentiment`, { label: 'angry' })).statusCode).toBe(400);
  });

  it('analyses text before the transaction, never inside one', async () => {
    const scope = workspaceScope(database.db, ws.workspace.id, now);
    await expect(
      inWorkspaceTransaction(scope, (tx) =>
        analyseTicketText(tx, { subject: null, messages: [{ author: 'customer', body: 'hi' }], requester: undefined }),
      ),
    ).rejects.toThrow(/before the transaction/);
  });
});

describe('the sentiment model learns from the team', () => {
  it("trains on demand, beats the lexicon on the team's labels, and scores new messages with it", async () => {
    const before = await call('GET', '/api/v1/text-models/sentiment');
    expect(before.json()).toMatchObject({ status: 'untrained', inUse: false, minimumLabels: { total: 30 } });

    // The team's own vocabulary, which no lexicon knows: "kaput" and "ETA?" are complaints, "ship it" praise.
    for (let i = 0; i < 15; i += 1) {
      for (const [text, label] of [
        [`order ${i} ETA? kaput again`, 'negative'],
        [`ship it ${i}, sweet as`, 'positive'],
        [`which plan includes ${i} seats`, 'neutral'],
      ] as const) {
        const created = await ticket({ userId: 'bob', description: text });
        const corrected = await call('PUT', `/api/v1/tickets/${created.id}/sentiment`, { label });
        expect(corrected.statusCode, corrected.body).toBe(200);
      }
    }
    const queued = await call('POST', '/api/v1/text-models/sentiment/train', { rescore: true });
    expect(queued.statusCode, queued.body).toBe(202);
    expect(queued.json()).toMatchObject({ status: 'queued' });

    const trained = await until('the model to be trained', async () => {
      const model = (await call('GET', '/api/v1/text-models/sentiment')).json<{
        status: string;
        inUse: boolean;
        samples: number;
        lexicon: { macroF1: number; samples: number };
        model: { macroF1: number; focusF1: number };
        rescore: { done: number; total: number } | null;
      }>();
      // Re-scoring follows the training in the same job, with its progress.
      return model.status === 'trained' && model.rescore !== null && model.rescore.done === model.rescore.total ? model : undefined;
    });
    expect(trained.inUse, JSON.stringify(trained)).toBe(true);
    expect(trained.samples).toBeGreaterThanOrEqual(45);
    expect(trained.lexicon.samples).toBe(trained.samples);
    expect(trained.model.macroF1).toBeGreaterThan(trained.lexicon.macroF1);
    expect(trained.rescore?.total).toBeGreaterThan(0);

    const fresh = await ticket({ userId: 'bob', description: 'ETA? the export is kaput' });
    expect(fresh.sentiment?.label, JSON.stringify(fresh)).toBe('negative');
  });

  it('learns topics from the tags agents set, where the keyword rules find nothing', async () => {
    const rules = await call('PUT', '/api/v1/ticket-topics', {
      rules: [
        { topic: 'shipping', keywords: ['parcel'] },
        { topic: 'returns', keywords: ['return label'] },
      ],
    });
    expect(rules.statusCode, rules.body).toBe(200);
    for (let i = 0; i < 15; i += 1) {
      await ticket({ userId: 'bob', description: `the courier lost box ${i} on the way`, tags: ['shipping'] });
      await ticket({ userId: 'bob', description: `I want to send item ${i} back for my money`, tags: ['returns'] });
    }
    const before = await ticket({ userId: 'bob', description: 'the courier lost my box' });
    expect(before.topics).toEqual([]);

    expect((await call('POST', '/api/v1/text-models/sentiment/train', {})).statusCode).toBe(202);
    const model = await until('the topic model to be trained', async () => {
      const topic = (await call('GET', '/api/v1/text-models/topic')).json<{
        status: string;
        inUse: boolean;
        samples: number;
        keywords: { macroF1: number };
        model: { macroF1: number };
      }>();
      return topic.status === 'trained' ? topic : undefined;
    });
    expect(model, JSON.stringify(model)).toMatchObject({ inUse: true, samples: 30 });
    expect(model.model.macroF1).toBeGreaterThan(model.keywords.macroF1);
    expect((await ticket({ userId: 'bob', description: 'the courier lost my box again' })).topics).toEqual(['shipping']);
    // Keyword rules still decide where they match.
    expect((await ticket({ userId: 'bob', description: 'where is the return label for my box?' })).topics).toEqual(['returns']);
  });
});
