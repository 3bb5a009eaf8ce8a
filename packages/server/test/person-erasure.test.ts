import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '@strata/engine';
import { addJobs, type Database } from '@strata/storage';
import type { Kysely } from 'kysely';
import { buildApp, createLogger } from '@strata/server';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';

// A unique string written into every field that can hold personal data; after the erasure no
// table of any schema, and no log line, may contain it.
const canary = `canary${randomBytes(6).toString('hex')}`;
const userId = `u-${canary}`;
const email = `${canary}@example.com`;

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof buildApp>>['app'];
const logLines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  const strata = await buildApp({ logger: createLogger('debug', { write: (line: string) => logLines.push(line) }) });
  strata.setServices({ db: database.db, secrets: new SecretBox(randomBytes(32)) });
  app = strata.app;
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
const write = () => ({ authorization: `Bearer ${ws.writeKey}` });
async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers = admin()) {
  return app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}
async function ingest(batch: object[]) {
  const response = await call(
    'POST',
    '/v1/batch',
    { batch },
    { authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` },
  );
  expect(response.statusCode, response.body).toBe(200);
}

/** Rows of every table in every schema whose text (all columns) contains the needle. */
async function rowsContaining(db: Kysely<Database>, needle: string): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`.execute(
    db,
  );
  const hits: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.raw(name)} t WHERE strpos(t::text, ${needle}) > 0`.execute(
      db,
    );
    if (Number(rows[0]!.n) > 0) hits[name] = Number(rows[0]!.n);
  }
  return hits;
}

describe('a person erased everywhere', () => {
  it('finds the canary everywhere before the erasure', async () => {
    const at = new Date().toISOString();
    await ingest([
      { type: 'track', anonymousId: `anon-${canary}`, event: 'Visited', properties: { ref: canary }, timestamp: at },
      {
        type: 'identify',
        userId,
        anonymousId: `anon-${canary}`,
        traits: { email, name: `Ada ${canary}`, plan: 'pro' },
        context: { ip: '10.0.0.1', traits: { note: canary } },
        timestamp: at,
      },
      { type: 'group', userId, groupId: 'acme', traits: { name: 'Acme' }, context: { membership: { role: canary } }, timestamp: at },
      { type: 'track', userId, event: 'Paid', properties: { memo: canary }, context: { page: { title: canary } }, timestamp: at },
      { type: 'identify', userId: 'bob', traits: { email: 'bob@example.com' }, timestamp: at },
      { type: 'track', userId: 'bob', event: 'Paid', properties: { memo: 'bob' }, timestamp: at },
    ]);
    const ticket = await call('POST', '/api/v1/tickets', { userId, subject: `Help ${canary}`, description: `Body ${canary}` }, write());
    expect(ticket.statusCode, ticket.body).toBe(201);
    const ticketId = ticket.json<{ id: string }>().id;
    const message = await call('POST', `/api/v1/tickets/${ticketId}/messages`, { author: 'customer', body: `More ${canary}` }, write());
    expect(message.statusCode, message.body).toBe(200);
    const survey = await call('POST', '/api/v1/surveys/responses', { userId, kind: 'nps', score: 3, comment: `Meh ${canary}` }, write());
    expect(survey.statusCode, survey.body).toBeLessThan(300);
    const hook = await call('PUT', '/api/v1/webhooks/crm', { url: 'https://crm.example.com/hook', events: ['segment.entered'] });
    expect(hook.statusCode, hook.body).toBe(201);
    await database.owner.transaction().execute(async (tx) => {
      await sql`INSERT INTO webhook_messages (workspace_id, message_id, webhook_key, change_id, event, payload)
        VALUES (${ws.workspace.id}, ${`msg-${randomBytes(4).toString('hex')}`}, 'crm', 1, 'segment.entered',
          ${JSON.stringify({ type: 'segment.entered', data: { segment: 'pro', target: 'person', id: userId } })}::jsonb)`.execute(tx);
      await addJobs(tx, [
        { task: 'deliver-webhook', payload: { workspaceId: ws.workspace.id, userId }, runAt: new Date(Date.now() + 86_400_000) },
      ]);
    });

    const hits = await rowsContaining(database.owner, canary);
    for (const table of [
      'public.people',
      'public.identities',
      'public.events',
      'public.tickets',
      'public.ticket_messages',
      'public.surveys',
    ])
      expect(hits, table).toHaveProperty(table);
    expect(hits).toHaveProperty(['public.webhook_messages']);
    expect(hits).toHaveProperty(['graphile_worker._private_jobs']);
  });

  it('exports everything held about the person as one streamed JSON document, and audits it', async () => {
    const response = await call('GET', `/api/v1/people/${encodeURIComponent(userId)}/export`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const exported = response.json<Record<string, Array<Record<string, unknown>>>>();
    expect(exported['userId']).toBe(userId);
    expect(exported['profile']![0]!['traits']).toMatchObject({ email, plan: 'pro' });
    expect(exported['identities']!.map((i) => i['value']).sort()).toEqual([`anon-${canary}`, email, userId].sort());
    expect(exported['events']!.map((e) => e['name']).sort()).toEqual(['Paid', 'Visited']);
    expect(exported['tickets']![0]).toMatchObject({ subject: `Help ${canary}` });
    expect(JSON.stringify(exported['tickets']![0]!['messages'])).toContain(`More ${canary}`);
    expect(exported['surveys']![0]).toMatchObject({ comment: `Meh ${canary}` });
    expect(exported['accounts']![0]).toMatchObject({ groupId: 'acme', traits: { role: canary } });
    expect(exported['webhookMessages']).toHaveLength(1);
    expect(JSON.stringify(exported)).not.toContain('bob@example.com');

    expect((await call('GET', '/api/v1/people/nobody/export')).statusCode).toBe(404);
    const audit = (await call('GET', '/api/v1/audit?kind=person.exported')).json<{ items: Array<{ subject: string }> }>();
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]!.subject).toMatch(/^[0-9a-f]{64}$/);
  });

  it('erases the person: no table of any schema and no log line holds the canary; others stay', async () => {
    const response = await call('DELETE', `/api/v1/people/${encodeURIComponent(userId)}`);
    expect(response.statusCode, response.body).toBe(200);
    const erasure = response.json<{ status: string; rows: Record<string, number>; suppressedIdentifiers: number }>();
    expect(erasure.status).toBe('done');
    expect(erasure.rows).toMatchObject({
      people: 1,
      events: 2,
      ticket_messages: 2,
      tickets: 1,
      surveys: 1,
      webhook_messages: 1,
      'graphile_worker.jobs': 1,
    });
    expect(erasure.suppressedIdentifiers).toBe(3);

    expect(await rowsContaining(database.owner, canary)).toEqual({});
    expect(logLines.filter((line) => line.includes(canary))).toEqual([]);
    expect((await call('GET', `/api/v1/people/${encodeURIComponent(userId)}`)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/people/bob')).statusCode).toBe(200);
    expect((await call('DELETE', `/api/v1/people/${encodeURIComponent(userId)}`)).statusCode).toBe(404);

    const audit = (await call('GET', '/api/v1/audit?kind=person')).json<{ items: Array<{ kind: string; subject: string }> }>();
    expect(audit.items.map((i) => i.kind)).toEqual(['person.erased', 'person.exported']);
    expect(audit.items[0]!.subject).toBe(audit.items[1]!.subject);
  });

  it('drops later messages naming an erased identifier and counts them as suppressed', async () => {
    const at = new Date().toISOString();
    await ingest([
      { type: 'identify', userId, traits: { plan: 'back' }, timestamp: at },
      { type: 'track', anonymousId: `anon-${canary}`, event: 'Visited', timestamp: at },
      { type: 'identify', userId: 'someone-new', traits: { email: email.toUpperCase() }, timestamp: at },
      { type: 'track', userId: 'bob', event: 'Paid', timestamp: at },
    ]);
    expect((await call('GET', `/api/v1/people/${encodeURIComponent(userId)}`)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/people/someone-new')).statusCode).toBe(404);
    // A ticket from the erased email is stored, but does not bring its requester back.
    const people = async () =>
      (await database.owner.selectFrom('people').select('person_id').where('workspace_id', '=', ws.workspace.id).execute()).length;
    const before = await people();
    const ticket = await call('POST', '/api/v1/tickets', { email, subject: 'Hello again' }, write());
    expect(ticket.statusCode, ticket.body).toBe(201);
    expect(await people()).toBe(before);
    const stats = (await call('GET', '/api/v1/ingestion/stats')).json<Record<string, number>>();
    expect(stats['suppressed']).toBe(4);
    expect(stats['received']).toBe(stats['stored']! + stats['rejected']! + stats['deduplicated']! + stats['suppressed']!);
    expect(await rowsContaining(database.owner, canary)).toEqual({});
  });
});
