import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSampleData, segmentMembersCsv, exportColumns } from '@strata/engine';
import { findSegment, workspaceScope, type WorkspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let scope: WorkspaceScope;
let app: Awaited<ReturnType<typeof createTestApp>>;
const now = () => new Date('2026-12-07T00:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  scope = workspaceScope(database.db, ws.workspace.id, now);
  await loadSampleData(scope, database.pool, { size: 'xs', seed: 3 });
  app = await createTestApp(database, { now });
  const at = now().toISOString();
  const seeded = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: {
      batch: [
        {
          type: 'identify',
          userId: 'zz-formula',
          traits: { email: 'f@x.example', name: '=HYPERLINK("http://evil.example","x")', language: 'vip' },
          timestamp: at,
        },
        {
          type: 'identify',
          userId: 'zz-utf8',
          traits: { email: 'z@x.example', name: 'Zoë Müller, Жанна', language: 'vip' },
          timestamp: at,
        },
      ],
    },
  });
  expect(seeded.statusCode, seeded.body).toBe(200);
  for (const [key, rule] of [
    ['vips', 'language = "vip"'],
    ['everyone', 'email is set'],
  ])
    expect((await call('POST', '/api/v1/segments', { key, name: key, target: 'person', rule })).statusCode).toBe(201);
}, 240_000);
afterAll(async () => {
  await app.close();
  await database.drop();
});

function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
}

it('exports members with the chosen fields as UTF-8 CSV, formula cells prefixed and quoted', async () => {
  const response = await call('GET', '/api/v1/segments/vips/members.csv?fields=id,name,email,first_seen_at');
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
  const [header, ...rows] = response.body.split('\r\n');
  expect(header).toBe('id,name,email,first_seen_at');
  // Rows come in member-id order (random UUIDs): compare them sorted.
  expect(rows.sort()).toEqual([
    '',
    `zz-formula,"'=HYPERLINK(""http://evil.example"",""x"")",f@x.example,2026-12-07T00:00:00.000Z`,
    'zz-utf8,"Zoë Müller, Жанна",z@x.example,2026-12-07T00:00:00.000Z',
  ]);
}, 60_000);

it('answers 400 naming an unknown field', async () => {
  const response = await call('GET', '/api/v1/segments/vips/members.csv?fields=id,shoe_size');
  expect(response.statusCode).toBe(400);
  expect(response.json<{ error: { message: string } }>().error.message).toMatch(/^fields: unknown "shoe_size"/);
});

it('exports every member of a large segment, one page read at a time as the reader asks', async () => {
  const segment = (await findSegment(scope, 'everyone'))!;
  const columns = await exportColumns(scope, 'person', ['id', 'email']);
  if (!columns.ok) throw new Error('columns');
  const pagesRead: number[] = [];
  const chunks = segmentMembersCsv(scope, segment, columns, { pageSize: 100, onPage: ({ rows }) => pagesRead.push(rows) });
  const header = await chunks.next();
  expect(header.value).toBe('id,email\r\n');
  const firstPage = await chunks.next();
  expect(String(firstPage.value).split('\r\n').length - 1).toBe(100);
  // Nothing beyond the page the reader took was read: the export holds one page at a time.
  expect(pagesRead).toEqual([100]);
  let lines = 100;
  for await (const chunk of chunks) lines += chunk.split('\r\n').length - 1;
  const whole = await call('GET', '/api/v1/segments/everyone/members.csv?fields=id');
  const members = await call('GET', '/api/v1/segments/everyone');
  const total = members.json<{ members: number }>().members;
  expect(total).toBeGreaterThan(500);
  expect(lines).toBe(total);
  expect(whole.body.split('\r\n').length - 2).toBe(total);
  expect(new Set(whole.body.split('\r\n').slice(1, -1)).size).toBe(total);
}, 60_000);

it('needs the permission a person export needs: a viewer, an agent and a read key are refused, and nothing is audited', async () => {
  const signedIn = async (email: string, role: 'viewer' | 'agent') => {
    const invited = await call('POST', '/api/v1/users', { email, role });
    expect(invited.statusCode, invited.body).toBe(201);
    const token = new URL(invited.json<{ inviteUrl: string }>().inviteUrl).hash.slice(1);
    const accepted = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, password: `a long ${role} password` },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    return { cookie: `strata_session=${/strata_session=([^;]+)/.exec(String(accepted.headers['set-cookie']))![1]!}` };
  };
  const exports = async () =>
    (await database.owner.selectFrom('audit_log').select('kind').where('kind', '=', 'segment.exported').execute()).length;
  const before = await exports();
  for (const headers of [
    await signedIn('vi@example.com', 'viewer'),
    await signedIn('ag@example.com', 'agent'),
    { authorization: `Bearer ${ws.readKey}` },
  ]) {
    // They may see the segment, not take its members' data away in bulk.
    expect((await app.inject({ url: '/api/v1/segments/vips', headers })).statusCode).toBe(200);
    const refused = await app.inject({ url: '/api/v1/segments/vips/members.csv', headers });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.body).toContain('people:export');
  }
  expect(await exports()).toBe(before);
});

it('audits each export with the segment, the fields and the rows, before sending them', async () => {
  const response = await call('GET', '/api/v1/segments/vips/members.csv?fields=id,email');
  expect(response.statusCode).toBe(200);
  const entries = await app.inject({ url: '/api/v1/audit?kind=segment.exported', headers: { authorization: `Bearer ${ws.adminKey}` } });
  expect(entries.statusCode, entries.body).toBe(200);
  const latest = entries.json<{ items: Array<Record<string, unknown>> }>().items[0];
  expect(latest).toMatchObject({
    kind: 'segment.exported',
    subject: 'vips',
    actor: { kind: 'key' },
    after: { fields: ['id', 'email'], rows: 2 },
  });
});
