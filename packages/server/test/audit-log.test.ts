import { sql } from 'kysely';
import { workspaceScope } from '@strata/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let other: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  other = await createTestWorkspace(database);
  app = await createTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

interface Entry {
  id: string;
  at: string;
  actor: { kind: string; id: string | null; label: string | null };
  address: string | null;
  kind: string;
  subject: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, key = ws.adminKey) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    remoteAddress: '203.0.113.7',
    ...(payload ? { payload } : {}),
  });
}
async function audit(query = '', key = ws.adminKey) {
  const response = await call('GET', `/api/v1/audit${query}`, undefined, key);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: Entry[]; nextCursor: string | null }>();
}

describe('the audit log', () => {
  const startedAt = new Date();

  it('records each kind of configuration change with actor, time, address and before/after, secrets redacted', async () => {
    const expectOk = (response: Awaited<ReturnType<typeof call>>) => expect(response.statusCode, response.body).toBeLessThan(300);
    expectOk(await call('POST', '/api/v1/segments', { key: 'pro', name: 'Pro', target: 'person', rule: 'plan = "pro"' }));
    expectOk(await call('PUT', '/api/v1/segments/pro', { rule: 'plan = "enterprise"' }));
    expectOk(await call('PUT', '/api/v1/segments/pro', { name: 'Pro plan' }));
    expectOk(await call('DELETE', '/api/v1/segments/pro'));
    expectOk(await call('PUT', '/api/v1/webhooks/crm', { url: 'https://crm.example.com/hook', events: ['segment.entered'] }));
    expectOk(await call('DELETE', '/api/v1/webhooks/crm'));
    expectOk(await call('PUT', '/api/v1/integrations/stripe', { secret: 'whsec_topsecretvalue' }));
    expectOk(await call('DELETE', '/api/v1/integrations/stripe'));
    expectOk(
      await call('PUT', '/api/v1/settings/business-hours', {
        timezone: 'UTC',
        workingDays: [1, 2, 3],
        start: '09:00',
        end: '17:00',
        holidays: [],
      }),
    );
    expectOk(await call('PUT', '/api/v1/settings/retention', { rawEventsMonths: 13 }));

    const { items } = await audit();
    expect(items.map((e) => `${e.kind} ${e.subject}`).reverse()).toEqual([
      'segment.created pro',
      'segment.version-created pro',
      'segment.updated pro',
      'segment.deleted pro',
      'webhook.updated crm',
      'webhook.deleted crm',
      'integration.updated stripe',
      'integration.deleted stripe',
      'settings.updated business-hours',
      'settings.updated retention',
    ]);
    const keyId = (
      await database.db
        .selectFrom('api_keys')
        .select('key_id')
        .where('workspace_id', '=', ws.workspace.id)
        .where(sql<boolean>`'admin' = ANY(scopes)`)
        .executeTakeFirstOrThrow()
    ).key_id;
    for (const entry of items) {
      expect(entry.actor).toEqual({ kind: 'key', id: keyId, label: 'test' });
      expect(entry.address).toBe('203.0.113.7');
      expect(new Date(entry.at).getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
    }
    const byKind = (kind: string) => items.find((e) => e.kind === kind)!;
    expect(byKind('segment.version-created').before).toMatchObject({ rule: 'plan = "pro"', version: 1 });
    expect(byKind('segment.version-created').after).toMatchObject({ rule: 'plan = "enterprise"', version: 2 });
    expect(byKind('segment.deleted')).toMatchObject({ before: { name: 'Pro plan' }, after: null });
    expect(byKind('webhook.updated')).toMatchObject({ before: null, after: { url: 'https://crm.example.com/hook', secret: '[redacted]' } });
    expect(byKind('integration.updated').after).toEqual({ hasSecret: true, secret: '[redacted]' });
    expect(byKind('settings.updated')).toMatchObject({ before: { rawEventsMonths: null }, after: { rawEventsMonths: 13 } });
    const stored = await sql<{ t: string }>`SELECT string_agg(a::text, ' ') AS t FROM audit_log a`.execute(database.owner);
    expect(stored.rows[0]!.t).not.toContain('whsec_');
  });

  it('filters by kind, thing, actor and time, pages with a cursor, and keeps workspaces apart', async () => {
    expect((await audit('?kind=segment.deleted')).items.map((e) => e.kind)).toEqual(['segment.deleted']);
    expect((await audit('?kind=segment')).items).toHaveLength(4);
    expect((await audit('?actor=test')).items).toHaveLength(10);
    expect((await audit('?actor=someone-else')).items).toHaveLength(0);
    expect((await audit(`?from=${new Date(Date.now() + 60_000).toISOString()}`)).items).toHaveLength(0);
    const first = await audit('?limit=4');
    expect(first.items).toHaveLength(4);
    const second = await audit(`?limit=4&cursor=${first.nextCursor}`);
    const third = await audit(`?limit=4&cursor=${second.nextCursor}`);
    expect(third.nextCursor).toBeNull();
    expect([...first.items, ...second.items, ...third.items].map((e) => e.id)).toEqual((await audit()).items.map((e) => e.id));
    expect((await audit('', other.adminKey)).items).toEqual([]);
    expect((await call('GET', '/api/v1/audit', undefined, ws.readKey)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/audit?cursor=abc')).statusCode).toBe(400);
  });

  it('refuses to change or remove an entry, even for the table owner', async () => {
    await expect(sql`UPDATE audit_log SET kind = 'x'`.execute(database.owner)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(database.owner)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(database.owner)).rejects.toThrow(/append-only/);
    // The runtime role, in this workspace's own scope, is not even granted the change.
    const scope = workspaceScope(database.db, ws.workspace.id, () => new Date());
    await expect(sql`UPDATE audit_log SET kind = 'x'`.execute(scope.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM audit_log`.execute(scope.db)).rejects.toThrow(/permission denied/);
    expect((await audit()).items).toHaveLength(10);
  });

  it('records changes to users and roles', async () => {
    const invited = await call('POST', '/api/v1/users', { email: 'ops@example.com', role: 'ops' });
    expect(invited.statusCode, invited.body).toBe(201);
    const id = invited.json<{ id: string }>().id;
    expect((await call('PATCH', `/api/v1/users/${id}`, { role: 'viewer' })).statusCode).toBe(200);
    expect((await call('DELETE', `/api/v1/users/${id}`)).statusCode).toBe(204);
    const { items } = await audit('?kind=user');
    expect(items.map((e) => [e.kind, e.subject, e.before, e.after]).reverse()).toEqual([
      ['user.invited', id, null, { role: 'ops' }],
      ['user.role-changed', id, { role: 'ops' }, { role: 'viewer' }],
      ['user.removed', id, { role: 'viewer' }, null],
    ]);
    expect(JSON.stringify(items)).not.toMatch(/token|inviteUrl/);
  });
});
