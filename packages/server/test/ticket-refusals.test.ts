import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

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

const stats = async () =>
  (await app.inject({ method: 'GET', url: '/api/v1/ingestion/stats', headers: { authorization: `Bearer ${ws.readKey}` } })).json<{
    received: number;
  }>();
const accountCount = async () =>
  Number(
    (
      await database.owner
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', ws.workspace.id)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('a ticket change that is refused stores nothing', () => {
  it('PATCH of an unknown ticket with a new groupId answers 404 and creates no account and counts nothing', async () => {
    const response = await app.inject({
      method: 'PATCH',
      url: '/api/v1/tickets/no-such-ticket',
      headers: { authorization: `Bearer ${ws.writeKey}`, 'content-type': 'application/json' },
      payload: { groupId: 'new-account', subject: 'x' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await accountCount()).toBe(0);
    expect((await stats()).received).toBe(0);
  });
});
