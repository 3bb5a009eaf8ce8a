import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

/** What the segment editor reads besides the segment: every version with its rule, and the segment keys for autocomplete. */
let database: TestDatabase;
let app: FastifyInstance;
let ws: TestWorkspace;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
  ws = await createTestWorkspace(database);
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe('GET /api/v1/segments/{key}/versions', () => {
  it('lists every version newest first with its rule and state, after an edit', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: as(ws.adminKey),
      payload: { key: 'pro', name: 'Pro', target: 'person', rule: 'plan = "pro"' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const edited = await app.inject({
      method: 'PUT',
      url: '/api/v1/segments/pro',
      headers: as(ws.adminKey),
      payload: { rule: 'plan in ["pro", "enterprise"]' },
    });
    expect(edited.statusCode, edited.body).toBe(200);

    const versions = await app.inject({ url: '/api/v1/segments/pro/versions', headers: as(ws.readKey) });
    expect(versions.statusCode).toBe(200);
    expect(versions.json()).toMatchObject([
      { version: 2, state: 'active', rule: 'plan in ["pro", "enterprise"]', backfill: { done: 0, total: 0 } },
      { version: 1, state: 'retired', rule: 'plan = "pro"' },
    ]);
    expect(versions.json()[0].activatedAt).toEqual(expect.any(String));
  });

  it('answers 404 for a segment the workspace does not have', async () => {
    const missing = await app.inject({ url: '/api/v1/segments/nope/versions', headers: as(ws.readKey) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('no segment "nope"');
  });
});

describe('GET /api/v1/fields', () => {
  it('lists the segment keys a rule can refer to, with their target and references', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/segments',
      headers: as(ws.adminKey),
      payload: { key: 'pro-admins', name: 'Pro admins', target: 'person', rule: 'in segment "pro" and role = "admin"' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const fields = (await app.inject({ url: '/api/v1/fields', headers: as(ws.readKey) })).json();
    expect(fields.segments).toMatchObject({
      pro: { target: 'person', references: [] },
      'pro-admins': { target: 'person', references: ['pro'] },
    });
  });
});
