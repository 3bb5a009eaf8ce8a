import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
// Two apps on one database stand for two Strata processes.
let first: Awaited<ReturnType<typeof createTestApp>>;
let second: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  first = await createTestApp(database);
  second = await createTestApp(database);
});
afterAll(async () => {
  await first.close();
  await second.close();
  await database.drop();
});

const identify = (app: typeof first) =>
  app.inject({ method: 'POST', url: '/v1/identify', headers: { authorization: basicAuth(ws.writeKey) }, payload: { userId: 'ada' } });
const stats = (app: typeof first) => app.inject({ url: '/api/v1/ingestion/stats', headers: { authorization: `Bearer ${ws.readKey}` } });

describe('revoking a key', () => {
  it('holds from the next request, in every process', async () => {
    for (const app of [first, second]) {
      expect((await identify(app)).statusCode).toBe(200);
      expect((await stats(app)).statusCode).toBe(200);
    }
    // As `strata keys revoke` does it, from a third process.
    await database.owner.updateTable('api_keys').set({ revoked_at: new Date() }).where('workspace_id', '=', ws.workspace.id).execute();
    for (const app of [first, second]) {
      expect((await identify(app)).statusCode).toBe(401);
      expect((await stats(app)).statusCode).toBe(401);
    }
  });
});
