import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentMemberSearch, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

const now = new Date('2026-03-10T12:00:00Z');
let database: TestDatabase;
let ws: TestWorkspace;
let other: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const call = (url: string, key = ws.readKey) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

interface Hit {
  id: string;
  email: string | null;
  name: string | null;
  domain: string | null;
  member: boolean;
  enteredAt: string | null;
}
const search = async (segment: string, q: string, key?: string) => {
  const response = await call(`/api/v1/segments/${segment}/members/search?q=${encodeURIComponent(q)}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Hit[] }>().items;
};

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  other = await createTestWorkspace(database);
  app = await createTestApp(database, { now: () => now });
  // A few thousand people, so the planner has a reason to prefer the search indexes to a scan.
  const people = Array.from({ length: 3000 }, (_, i) => ({
    type: 'identify',
    userId: `user-${i}`,
    messageId: `identify-${i}`,
    traits: { email: `person${i}@example.com`, name: `Person ${i}`, plan: i % 2 === 0 ? 'pro' : 'free' },
  }));
  people.push(
    { type: 'identify', userId: 'mia', messageId: 'mia', traits: { email: 'Mia.Wong@Acme.com', name: 'Mia Wong', plan: 'pro' } },
    { type: 'identify', userId: 'miles', messageId: 'miles', traits: { email: 'miles@acme.com', name: 'Miles Davis', plan: 'free' } },
  );
  for (let start = 0; start < people.length; start += 500) {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basic(ws.writeKey) },
      payload: { batch: people.slice(start, start + 500) },
    });
    expect(response.statusCode, response.body).toBe(200);
  }
  const group = await app.inject({
    method: 'POST',
    url: '/v1/group',
    headers: { authorization: basic(ws.writeKey) },
    payload: { userId: 'mia', groupId: 'acme', messageId: 'g1', traits: { name: 'Acme Corp', domain: 'acme.com', plan: 'enterprise' } },
  });
  expect(group.statusCode).toBe(200);
  for (const segment of [
    { key: 'pro', name: 'Pro', target: 'person', rule: 'plan = "pro"' },
    { key: 'big', name: 'Big', target: 'account', rule: 'plan = "enterprise"' },
  ]) {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: { authorization: `Bearer ${ws.adminKey}` },
      payload: segment,
    });
    expect(created.statusCode, created.body).toBe(201);
  }
  // The other workspace has a namesake who is not to be found from this one.
  await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basic(other.writeKey) },
    payload: { userId: 'mia-other', traits: { email: 'mia@elsewhere.com', plan: 'pro' } },
  });
}, 120_000);
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('GET /api/v1/segments/{key}/members/search', () => {
  it('finds a member by email, whatever its case, with the time they entered', async () => {
    expect(await search('pro', 'mia.wong@acme')).toEqual([
      { id: 'mia', email: 'Mia.Wong@Acme.com', name: 'Mia Wong', domain: null, member: true, enteredAt: expect.any(String) },
    ]);
  });

  it('says a customer who matches is not a member', async () => {
    expect(await search('pro', 'miles@')).toEqual([expect.objectContaining({ id: 'miles', member: false, enteredAt: null })]);
  });

  it('lists an exact id first, then members, by id', async () => {
    const hits = await search('pro', 'mi');
    expect(hits.map((h) => [h.id, h.member])).toEqual([
      ['mia', true],
      ['miles', false],
    ]);
    // user-1 is not a member (odd ids are free), user-10, user-100, … are; at most 10.
    const byId = await search('pro', 'user-1');
    expect(byId).toHaveLength(10);
    expect(byId[0]).toMatchObject({ id: 'user-1', member: false });
    expect(byId.slice(1).every((h) => h.member)).toBe(true);
    expect(byId.slice(1).map((h) => h.id)).toEqual([...byId.slice(1).map((h) => h.id)].sort());
  });

  it('finds an account by domain or name', async () => {
    expect(await search('big', 'ACME.c')).toEqual([
      { id: 'acme', email: null, name: 'Acme Corp', domain: 'acme.com', member: true, enteredAt: expect.any(String) },
    ]);
    expect((await search('big', 'acme corp')).map((h) => h.id)).toEqual(['acme']);
  });

  it('finds nobody of another workspace, and refuses an empty query or an unknown segment', async () => {
    expect(await search('pro', 'mia-other')).toEqual([]);
    expect(await search('pro', 'mia@elsewhere')).toEqual([]);
    const empty = await call('/api/v1/segments/pro/members/search?q=%20');
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ error: { message: string } }>().error.message).toContain('q');
    expect((await call('/api/v1/segments/nope/members/search?q=mia')).statusCode).toBe(404);
  });

  it('reads the people through the search indexes of migration 0014, under the runtime role', async () => {
    await sql`ANALYZE people`.execute(database.owner);
    const scope = workspaceScope(database.db, ws.workspace.id, () => now);
    const plan = await sql<{
      'QUERY PLAN': string;
    }>`EXPLAIN ${segmentMemberSearch(scope, { key: 'pro', target: 'person' }, 'person12', 10)}`.execute(scope.db);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('people_search_email');
    expect(text).not.toMatch(/Seq Scan on people/);
    // Membership is looked up per hit by index, never by reading the whole segment.
    expect(text).toMatch(/Index Scan using segment_members_\w+ on segment_members/);
    expect(text).not.toMatch(/Seq Scan on segment_members|Materialize/);
    const { role } = await database.db.selectNoFrom(sql<string>`current_user`.as('role')).executeTakeFirstOrThrow();
    expect(role).toBe('strata_app');
  });
});
