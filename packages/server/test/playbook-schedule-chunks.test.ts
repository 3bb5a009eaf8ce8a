import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { advanceEnrolment, enrollFromSchedules, LiveSegmentWorker, type TaskServices } from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

// A schedule enrolls its segment in chunks, each committed with how far it got: a failure mid-way
// (a crash) leaves the chunks before it enrolled, and the next run enrolls the rest, nobody twice.

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let worker: LiveSegmentWorker;
// A Tuesday, 08:00 UTC (the workspace's timezone).
let nowMs = Date.UTC(2026, 2, 10, 8);
const now = () => new Date(nowMs);
const services: TaskServices = { post: () => Promise.reject(new Error('no webhook in these tests')) };
const members = ['p1', 'p2', 'p3', 'p4', 'p5'];
/** Chunks of two: the five members take three. */
const chunk = 2;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now });
  worker = new LiveSegmentWorker({ db: database.db, now });
  const batch = [...members, 'outsider'].map((userId) => ({
    type: 'identify',
    userId,
    traits: { plan: userId === 'outsider' ? 'pro' : 'trial' },
    timestamp: now().toISOString(),
    messageId: `m-${randomBytes(6).toString('hex')}`,
  }));
  const sent = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch },
  });
  expect(sent.statusCode, sent.body).toBe(200);
  await worker.drain();
  const segment = await api('POST', '/api/v1/segments', { key: 'trialists', name: 'Trialists', target: 'person', rule: 'plan = "trial"' });
  expect(segment.statusCode, segment.body).toBe(201);
  await worker.drain();
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const scope = () => workspaceScope(database.db, ws.workspace.id, now);
async function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
}
type Run = { id: string; userId: string; status: string; cause: Record<string, unknown> };
async function runs(): Promise<Run[]> {
  return (await api('GET', '/api/v1/playbooks/daily/runs?limit=500')).json<Run[]>();
}
const tick = () =>
  database.owner.selectFrom('playbook_schedule_ticks').selectAll().where('workspace_id', '=', ws.workspace.id).executeTakeFirstOrThrow();

it('enrolls a segment larger than a chunk in chunks; after a failure mid-way the next run enrolls the rest, nobody twice', async () => {
  const saved = await api('PUT', '/api/v1/playbooks/daily', {
    name: 'Daily',
    enabled: true,
    trigger: { on: 'schedule', cron: '0 9 * * *', segment: 'trialists' },
    steps: [{ type: 'task', title: 'Follow up' }],
    // Anyone whose run completed may be enrolled again at once: only the tick's progress keeps a rerun from doing so.
    reenrollAfterDays: 0,
  });
  expect(saved.statusCode, saved.body).toBe(201);
  // The members in the order the chunks take them (person id); the third one's enrolment fails, as a crash would.
  const ids = await database.owner
    .selectFrom('people')
    .select(['person_id', 'user_id'])
    .where('workspace_id', '=', ws.workspace.id)
    .where('user_id', 'in', members)
    .orderBy('person_id')
    .execute();
  const failing = ids[2]!.person_id;
  await sql
    .raw(
      `CREATE FUNCTION fail_one_enrolment() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.person_id = '${failing}' THEN RAISE EXCEPTION 'the worker crashed'; END IF; RETURN NEW; END $$;
       CREATE TRIGGER fail_one_enrolment BEFORE INSERT ON playbook_enrolments FOR EACH ROW EXECUTE FUNCTION fail_one_enrolment();`,
    )
    .execute(database.owner);

  nowMs = Date.UTC(2026, 2, 10, 9, 0, 30);
  await expect(enrollFromSchedules(scope(), chunk)).rejects.toThrow(/the worker crashed/);
  // The first chunk committed on its own, and the tick records how far it got.
  const before = await runs();
  expect(before.map((r) => r.userId).sort()).toEqual([ids[0]!.user_id, ids[1]!.user_id].sort());
  expect(await tick()).toMatchObject({ running_tick_at: new Date('2026-03-10T09:00:00Z'), running_after: ids[1]!.person_id });
  // Their runs complete: were the tick started again from the top, they would be enrolled again.
  for (const run of before) await advanceEnrolment(scope(), run.id, services);
  expect((await runs()).every((r) => r.status === 'completed')).toBe(true);

  await sql.raw('DROP TRIGGER fail_one_enrolment ON playbook_enrolments; DROP FUNCTION fail_one_enrolment()').execute(database.owner);
  expect(await enrollFromSchedules(scope(), chunk)).toBe(3);
  const after = await runs();
  expect(after.map((r) => r.userId).sort()).toEqual(members);
  expect(after.every((r) => r.cause['tick'] === '2026-03-10T09:00:00.000Z')).toBe(true);
  expect(await tick()).toMatchObject({ last_tick_at: new Date('2026-03-10T09:00:00Z'), running_tick_at: null, running_after: null });
  expect(await enrollFromSchedules(scope(), chunk)).toBe(0);

  // The next morning's tick runs through every chunk in one pass.
  for (const run of after) if (run.status === 'active') await advanceEnrolment(scope(), run.id, services);
  nowMs = Date.UTC(2026, 2, 11, 9, 1);
  expect(await enrollFromSchedules(scope(), chunk)).toBe(5);
  expect((await runs()).filter((r) => r.cause['tick'] === '2026-03-11T09:00:00.000Z')).toHaveLength(5);
});
