import { createServer } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LiveSegmentWorker } from '@strata/engine';
import { buildApp } from '@strata/server';
import { openDatabase, type StrataDb } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../../test-support/test-server.js';

// In-process halves of the reliability harness: what happens to one Strata process when the
// server ends its connections (pg_terminate_backend is what a postmaster shutdown sends: 57P01).

let database: TestDatabase;
let ws: TestWorkspace;
let admin: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  admin = new pg.Client({ connectionString: database.ownerUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await database.drop();
});

/** Ends the backends of this database that run `application_name = strata` and match `query`. */
async function terminateBackends(queryPattern: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'strata' AND query LIKE $1`,
    [queryPattern],
  );
  return Number(rows[0]!.n);
}

it('a connection ended in the middle of a transaction fails that transaction, not the process, and the pool goes on', async () => {
  const strata = openDatabase(database.url, { max: 2 });
  try {
    const outcome = await strata.db
      .transaction()
      .execute(async (tx) => {
        await sql`SELECT 'held by the test'`.execute(tx);
        expect(await terminateBackends(`SELECT 'held by the test'`)).toBe(1);
        // The FATAL arrives while the transaction is idle: before, this 'error' event had no listener.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await sql`SELECT 1`.execute(tx);
        return 'committed';
      })
      .catch((error: unknown) => (error as { code?: string }).code ?? String(error));
    expect(outcome).toMatch(/57P01|not queryable|Connection terminated/);
    const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(strata.db);
    expect(rows).toEqual([{ ok: 1 }]);
  } finally {
    await strata.close();
  }
});

it('answers 503 DATABASE_UNAVAILABLE with Retry-After on ingestion and the API, and /healthz says why, while the database is unreachable', async () => {
  const port = await closedPort();
  const unreachable: StrataDb = openDatabase(`postgres://postgres:x@127.0.0.1:${port}/postgres`);
  const app = await createTestApp(unreachable);
  try {
    const ingest = await app.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: { batch: [{ type: 'track', userId: 'u1', event: 'login', messageId: 'outage-1' }] },
    });
    expect(ingest.statusCode).toBe(503);
    expect(ingest.headers['retry-after']).toBe('5');
    expect(ingest.json()).toMatchObject({ error: { code: 'DATABASE_UNAVAILABLE' } });
    const api = await app.inject({ url: '/api/v1/segments', headers: { authorization: `Bearer ${ws.adminKey}` } });
    expect(api.statusCode).toBe(503);
    expect(api.headers['retry-after']).toBe('5');
    expect(api.json()).toMatchObject({ error: { code: 'DATABASE_UNAVAILABLE' } });
  } finally {
    await app.close();
  }

  const served = await createTestAppWithHealth(unreachable);
  try {
    const health = await served.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ status: 'unavailable', reason: expect.stringMatching(/^database unreachable: .*ECONNREFUSED/) });
  } finally {
    await served.close();
    await unreachable.close();
  }
  // Nothing of the refused request reached the real database.
  const stored = await admin.query(`SELECT 1 FROM message_ids WHERE message_id = 'outage-1'`);
  expect(stored.rowCount).toBe(0);
});

it('answers /healthz 200 {"status":"ok"} when the database answers', async () => {
  const app = await createTestAppWithHealth(database);
  try {
    const health = await app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
  } finally {
    await app.close();
  }
});

it('a live worker listens again after its LISTEN connection is ended', async () => {
  const strata = openDatabase(database.url, { max: 4 });
  const worker = new LiveSegmentWorker({ db: strata.db, pool: strata.pool, now: () => new Date(), pollMs: 60_000 });
  await worker.start();
  try {
    const listening = async () =>
      Number(
        (
          await admin.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'strata' AND query LIKE 'LISTEN %'`,
          )
        ).rows[0]!.n,
      );
    expect(await listening()).toBe(1);
    expect(await terminateBackends('LISTEN %')).toBe(1);
    let again = 0;
    for (let i = 0; i < 100 && again === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await listening();
    }
    expect(again).toBe(1);
  } finally {
    await worker.stop();
    await strata.close();
  }
});

/** The app as `startStrata` wires it, with the health probe of `strata`. */
async function createTestAppWithHealth(strata: StrataDb) {
  const strataApp = await buildApp({ logger: pino({ level: 'silent' }) });
  strataApp.setServices({ db: strata.db, checkDatabase: strata.checkHealth });
  await strataApp.app.ready();
  return strataApp.app;
}

/** A port nothing listens on (taken, then given back). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
