import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

// 23:30 UTC on the last day of March: already 1 April in Tokyo (UTC+9).
const now = new Date('2026-03-31T23:30:00Z');
let database: TestDatabase;
let ws: TestWorkspace;
let other: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  other = await createTestWorkspace(database);
  app = await createTestApp(database, { now: () => now });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const call = (method: 'GET' | 'PATCH' | 'POST', url: string, key: string, payload?: Record<string, unknown>) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) });

describe('GET and PATCH /api/v1/workspace', () => {
  it('answers the workspace of the credential', async () => {
    const response = await call('GET', '/api/v1/workspace', ws.readKey);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: ws.workspace.id, slug: ws.workspace.slug, name: ws.workspace.slug, timezone: 'UTC' });
  });

  it('renames the workspace and sets its timezone, spelled as the tz database does, and audits it', async () => {
    const response = await call('PATCH', '/api/v1/workspace', ws.adminKey, { name: '  Acme support ', timezone: 'europe/berlin' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ slug: ws.workspace.slug, name: 'Acme support', timezone: 'Europe/Berlin', recomputed: [] });
    expect((await call('GET', '/api/v1/workspace', ws.readKey)).json()).toMatchObject({ name: 'Acme support', timezone: 'Europe/Berlin' });
    const audit = await call('GET', '/api/v1/audit?kind=workspace', ws.adminKey);
    expect(audit.json<{ items: unknown[] }>().items).toEqual([
      expect.objectContaining({
        kind: 'workspace.updated',
        subject: ws.workspace.slug,
        actor: expect.objectContaining({ kind: 'key' }),
        before: { name: ws.workspace.slug, timezone: 'UTC' },
        after: { name: 'Acme support', timezone: 'Europe/Berlin' },
      }),
    ]);
    // Another workspace is untouched.
    expect((await call('GET', '/api/v1/workspace', other.readKey)).json()).toMatchObject({ name: other.workspace.slug, timezone: 'UTC' });
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ timezone: '+02:00' }, 'timezone'],
    [{ timezone: 'PST' }, 'timezone'],
    [{ timezone: 'Factory' }, 'timezone'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{}, 'name'],
  ])('refuses %j naming the field and the fix', async (body, field) => {
    const response = await call('PATCH', '/api/v1/workspace', ws.adminKey, body);
    expect(response.statusCode).toBe(400);
    const error = response.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(field);
    if (field === 'timezone') expect(error.message).toContain('Europe/Berlin');
    expect((await call('GET', '/api/v1/workspace', ws.readKey)).json()).toMatchObject({ name: 'Acme support', timezone: 'Europe/Berlin' });
  });

  it('needs settings:write to change and settings:read to read', async () => {
    const refused = await call('PATCH', '/api/v1/workspace', ws.readKey, { timezone: 'UTC' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('settings:write');
    expect((await call('GET', '/api/v1/workspace', ws.writeKey)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/workspace' })).statusCode).toBe(401);
  });

  it('recomputes segments with calendar windows in the new timezone', async () => {
    await call('PATCH', '/api/v1/workspace', ws.adminKey, { timezone: 'UTC' });
    // 23:00 in Tokyo on 31 March: this month in UTC, last month in Tokyo.
    const track = await app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: `Basic ${Buffer.from(`${ws.writeKey}:`).toString('base64')}` },
      payload: { userId: 'mia', event: 'login', timestamp: '2026-03-31T14:00:00Z', messageId: 'login-1' },
    });
    expect(track.statusCode).toBe(200);
    const created = await call('POST', '/api/v1/segments', ws.adminKey, {
      key: 'logged-in-this-month',
      name: 'Logged in this month',
      target: 'person',
      rule: 'did "login" within this month',
    });
    expect(created.statusCode).toBe(201);
    await call('POST', '/api/v1/segments', ws.adminKey, {
      key: 'rolling',
      name: 'Rolling',
      target: 'person',
      rule: 'did "login" within last 30 days',
    });
    const members = async (key: string) =>
      (await call('GET', `/api/v1/segments/${key}/members`, ws.readKey)).json<{ items: Array<{ id: string }> }>().items.map((m) => m.id);
    expect(await members('logged-in-this-month')).toEqual(['mia']);

    const moved = await call('PATCH', '/api/v1/workspace', ws.adminKey, { timezone: 'Asia/Tokyo' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json<{ recomputed: unknown[] }>().recomputed).toEqual([{ key: 'logged-in-this-month', entered: 0, exited: 1 }]);
    expect(await members('logged-in-this-month')).toEqual([]);
    expect(await members('rolling')).toEqual(['mia']);

    // A rename alone recomputes nothing.
    expect((await call('PATCH', '/api/v1/workspace', ws.adminKey, { name: 'Acme' })).json()).toMatchObject({ recomputed: [] });
  });
});
