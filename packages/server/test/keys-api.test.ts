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

interface Key {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  lastUsedAt: string | null;
  revokedAt: string | null;
  secret?: string;
}
const call = (method: 'GET' | 'POST' | 'DELETE', url: string, key: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
const list = async (key = ws.adminKey) => (await call('GET', '/api/v1/keys', key)).json<{ items: Key[] }>().items;

describe('API keys over HTTP', () => {
  it('creates a key whose secret is answered once, works, is listed without it and is revoked', async () => {
    const created = await call('POST', '/api/v1/keys', ws.adminKey, { name: 'zapier', scopes: ['read'] });
    expect(created.statusCode, created.body).toBe(201);
    const key = created.json<Key>();
    expect(key.secret).toMatch(/^sk_read_/);
    expect(key.secret!.startsWith(key.prefix)).toBe(true);
    const used = await call('GET', '/api/v1/segments', key.secret!);
    expect(used.statusCode, used.body).toBe(200);

    const listed = (await list()).find((k) => k.id === key.id)!;
    expect(listed).toMatchObject({ name: 'zapier', scopes: ['read'], revokedAt: null });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(await list())).not.toContain(key.secret);

    expect((await call('DELETE', `/api/v1/keys/${key.id}`, ws.adminKey)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/segments', key.secret!)).statusCode).toBe(401);
    expect((await list()).find((k) => k.id === key.id)!.revokedAt).not.toBeNull();
    const again = await call('DELETE', `/api/v1/keys/${key.id}`, ws.adminKey);
    expect(again.statusCode).toBe(404);
    expect(again.json<{ error: { message: string } }>().error.message).toContain('GET /api/v1/keys');
  });

  it('audits creation and revocation without the secret', async () => {
    const key = (await call('POST', '/api/v1/keys', ws.adminKey, { name: 'audited', scopes: ['ingest'] })).json<Key>();
    await call('DELETE', `/api/v1/keys/${key.id}`, ws.adminKey);
    const audit = await call('GET', `/api/v1/audit?kind=key`, ws.adminKey);
    expect(audit.statusCode, audit.body).toBe(200);
    const kinds = audit.json<{ items: { kind: string; subject: string }[] }>().items.filter((e) => e.subject === key.id);
    expect(kinds.map((e) => e.kind).sort()).toEqual(['key.created', 'key.revoked']);
    expect(audit.body).not.toContain(key.secret);
  });

  it('needs keys:manage, refuses a bad body, and never reaches another workspace', async () => {
    expect((await call('GET', '/api/v1/keys', ws.readKey)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/keys', ws.readKey, { name: 'x', scopes: ['admin'] })).statusCode).toBe(403);
    const bad = await call('POST', '/api/v1/keys', ws.adminKey, { name: ' ', scopes: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('scope');
    const theirs = (await list(other.adminKey))[0]!;
    expect((await call('DELETE', `/api/v1/keys/${theirs.id}`, ws.adminKey)).statusCode).toBe(404);
    expect((await list(other.adminKey))[0]!.revokedAt).toBeNull();
    expect((await list()).map((k) => k.id)).not.toContain(theirs.id);
  });
});
