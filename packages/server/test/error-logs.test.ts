import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@strata/server';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** The error a real failing statement raises. */
async function failure(statement: Promise<unknown>): Promise<unknown> {
  return statement.then(
    () => expect.fail('the statement was meant to fail'),
    (error: unknown) => error,
  );
}

function capturedLogger() {
  const lines: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  return { logger, text: () => lines.join('') };
}

describe('error logs', () => {
  it('never repeat the values of a failing statement', async () => {
    const badUuid = await failure(sql`SELECT ${'ada@secret.example'}::uuid`.execute(database.db));
    await sql`CREATE TABLE logged (user_id text PRIMARY KEY, note text CHECK (length(note) < 5))`.execute(database.owner);
    await sql`INSERT INTO logged VALUES ('usr_secret_42', 'ok')`.execute(database.owner);
    const duplicate = await failure(sql`INSERT INTO logged VALUES (${'usr_secret_42'}, 'ok')`.execute(database.owner));
    const check = await failure(sql`INSERT INTO logged VALUES ('usr_other', ${'private trait text'})`.execute(database.owner));
    const wrapped = new Error('backfill failed', { cause: duplicate });

    const { logger, text } = capturedLogger();
    logger.error({ err: badUuid }, 'request failed');
    logger.error({ err: duplicate }, 'request failed');
    logger.error({ err: check }, 'request failed');
    logger.error({ err: wrapped }, 'request failed');
    logger.error({ error: check }, 'upkeep failed');
    logger.error(duplicate);
    const log = text();
    for (const value of ['ada@secret.example', 'usr_secret_42', 'usr_other', 'private trait text']) expect(log).not.toContain(value);
    // What is needed to act on the error stays.
    for (const kept of ['22P02', '23505', '23514', 'logged_pkey', 'invalid input syntax for type uuid', 'backfill failed'])
      expect(log).toContain(kept);
  });
});
