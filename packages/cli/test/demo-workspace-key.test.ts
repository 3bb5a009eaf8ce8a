import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkspace, findApiKeyBySecret, type Workspace } from '@strata/storage';
import { strataBin } from '../../../test-support/strata-process.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

const run = promisify(execFile);
let database: TestDatabase;
let demo: Workspace;

beforeAll(async () => {
  database = await createTestDatabase();
  await createWorkspace(database.db, { slug: 'default' });
  demo = await createWorkspace(database.db, { slug: 'demo', name: 'Demo' });
});
afterAll(async () => {
  await database.drop();
});

it('makes a read key for the demo workspace with the command the README gives', async () => {
  const { stdout } = await run(
    process.execPath,
    [strataBin(), 'keys', 'create', '--workspace', 'demo', '--scopes', 'read', '--name', 'demo'],
    {
      env: { ...process.env, ...database.env },
    },
  );
  const secret = stdout.trim();
  expect(secret).toMatch(/^sk_read_/);
  expect(await findApiKeyBySecret(database.db, secret)).toMatchObject({ workspaceId: demo.id, scopes: ['read'] });
  const app = await createTestApp(database);
  try {
    const stats = await app.inject({ url: '/api/v1/ingestion/stats', headers: { authorization: `Bearer ${secret}` } });
    expect(stats.statusCode, stats.body).toBe(200);
    const segments = await app.inject({ url: '/api/v1/segments', headers: { authorization: `Bearer ${secret}` } });
    expect(segments.statusCode, segments.body).toBe(200);
  } finally {
    await app.close();
  }
});
