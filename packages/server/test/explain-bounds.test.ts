import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker } from '@strata/engine';
import { baseFieldSchema, validateRule } from '@strata/core';
import {
  ensureEventPartitions,
  findProfileId,
  listSegmentVersions,
  loadAccountRecord,
  loadPersonRecord,
  recordLimits,
  workspaceScope,
} from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
const nowMs = Date.UTC(2026, 2, 10, 12);
const now = () => new Date(nowMs);
let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-02', '2026-03', '2026-04']);
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });
async function send(messages: Array<Record<string, unknown>>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch: messages.map((m) => ({ timestamp: now().toISOString(), ...m })) },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function create(key: string, rule: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/segments',
    headers: admin(),
    payload: { key, name: key, target: 'account', rule },
  });
  expect(response.statusCode, response.body).toBe(201);
}

describe('explain reads only what the rule needs, bounded', () => {
  it("loads neither an account's people nor events for a rule on its traits, and only the named events otherwise", async () => {
    await send([
      ...Array.from({ length: 30 }, (_, i) => ({ type: 'group', userId: `p${i}`, groupId: 'big-co', traits: { plan: 'pro' } })),
      ...Array.from({ length: 30 }, (_, i) => ({
        type: 'track',
        userId: `p${i}`,
        event: i % 2 ? 'login' : 'export',
        context: { groupId: 'big-co' },
      })),
    ]);
    await new LiveSegmentWorker({ db: database.db, now }).drain();
    await create('pro-accounts', 'plan = "pro"');
    await create('active-accounts', 'count(people where did "login") >= 2');
    const accountId = (await findProfileId(workspaceScope(database.db, ws.workspace.id, now), 'account', 'big-co'))!;
    const rule = async (key: string) => (await listSegmentVersions(workspaceScope(database.db, ws.workspace.id, now), key))[0]!.rule;

    const byTraits = (await loadAccountRecord(workspaceScope(database.db, ws.workspace.id, now), accountId, {
      rule: await rule('pro-accounts'),
      now: now(),
    }))!;
    expect(byTraits).toMatchObject({ people: [], events: [], tickets: [], surveys: [] });
    const byPeople = (await loadAccountRecord(workspaceScope(database.db, ws.workspace.id, now), accountId, {
      rule: await rule('active-accounts'),
      now: now(),
    }))!;
    expect(byPeople.people).toHaveLength(30);
    expect(byPeople.events).toEqual([]);
    expect(new Set(byPeople.people.flatMap((p) => p.events.map((e) => e.name)))).toEqual(new Set(['login']));

    const explained = await app.inject({ url: '/api/v1/segments/active-accounts/explain?id=big-co', headers: admin() });
    expect(explained.statusCode, explained.body).toBe(200);
    expect(explained.json()).toMatchObject({ member: true, membership: { member: true } });
  });

  it('loads only the events within the windows the rule reads them in', async () => {
    await send([
      { type: 'track', userId: 'windowed', event: 'login', timestamp: new Date(nowMs - 30 * 86_400_000).toISOString() },
      { type: 'track', userId: 'windowed', event: 'login', timestamp: new Date(nowMs - 3_600_000).toISOString() },
    ]);
    const personId = (await findProfileId(workspaceScope(database.db, ws.workspace.id, now), 'person', 'windowed'))!;
    const recent = validateRule('did "login" within last 7 days', { target: 'person', schema: baseFieldSchema() });
    const ever = validateRule('count(events "login") >= 2', { target: 'person', schema: baseFieldSchema() });
    if (!recent.ok || !ever.ok) throw new Error('rules');
    const inWindow = (await loadPersonRecord(workspaceScope(database.db, ws.workspace.id, now), personId, {
      rule: recent.rule,
      now: now(),
    }))!;
    expect(inWindow.events.map((e) => e.at)).toEqual([nowMs - 3_600_000]);
    const allTime = (await loadPersonRecord(workspaceScope(database.db, ws.workspace.id, now), personId, { rule: ever.rule, now: now() }))!;
    expect(allTime.events).toHaveLength(2);
  });

  it('answers 422, not an unbounded read, for a profile with more rows than explain reads', async () => {
    await send([{ type: 'group', userId: 'heavy-user', groupId: 'heavy-co', traits: { plan: 'pro' } }]);
    await new LiveSegmentWorker({ db: database.db, now }).drain();
    const accountId = (await findProfileId(workspaceScope(database.db, ws.workspace.id, now), 'account', 'heavy-co'))!;
    await sql`
      INSERT INTO events (workspace_id, message_id, type, name, account_id, properties, timestamp, received_at)
      SELECT ${ws.workspace.id}::uuid, 'bulk-' || n, 'track', 'login', ${accountId}::uuid, '{}'::jsonb,
        ${now().toISOString()}::timestamptz - n * interval '1 second', ${now().toISOString()}::timestamptz
      FROM generate_series(1, ${recordLimits.rows + 1}) AS n`.execute(database.owner);
    await create('busy-accounts', 'count(events "login") >= 1');
    const response = await app.inject({ url: '/api/v1/segments/busy-accounts/explain?id=heavy-co', headers: admin() });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      error: { code: 'SEGMENT_EVALUATION_FAILED', message: expect.stringMatching(/^id: /) as unknown },
    });
    // Membership itself is decided in SQL, unbounded.
    const members = await app.inject({ url: '/api/v1/segments/busy-accounts/members', headers: admin() });
    expect(members.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id)).toContain('heavy-co');
  });
});
