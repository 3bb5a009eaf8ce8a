import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { openDatabase, startEmbeddedPostgres } from '@strata/storage';

it("keeps failing statements' values out of embedded PostgreSQL's log", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-pg-log-'));
  const server = await startEmbeddedPostgres({ dataDir, durability: 'fast' });
  const strata = openDatabase(server.url);
  try {
    const fails = (statement: Promise<unknown>) =>
      statement.then(
        () => expect.fail('meant to fail'),
        () => undefined,
      );
    await fails(sql`SELECT ${'ada@secret.example'}::uuid`.execute(strata.db));
    await sql`CREATE TABLE logged (user_id text PRIMARY KEY)`.execute(strata.db);
    await sql`INSERT INTO logged VALUES ('usr_secret_42')`.execute(strata.db);
    await fails(sql`INSERT INTO logged VALUES (${'usr_secret_42'})`.execute(strata.db));
    await fails(sql`SELECT 'private trait text' || nonexistent_column FROM logged`.execute(strata.db));
  } finally {
    await strata.close();
    await server.stop();
  }
  const log = await readFile(join(dataDir, 'pg-log', 'postgres.log'), 'utf8');
  await rm(dataDir, { recursive: true, force: true });
  expect(log).toMatch(/database system is ready to accept connections/);
  for (const value of ['ada@secret.example', 'usr_secret_42', 'private trait text']) expect(log).not.toContain(value);
});
