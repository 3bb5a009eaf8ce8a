import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentEngine } from '@strata/engine';
import { createLogger } from '@strata/server';
import { createWorkspace } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('segment engine error logs', () => {
  it('log the failing error itself, with its stack and SQLSTATE, through the logger that keeps its values out', async () => {
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
    // Upkeep's first statement in a workspace reads segments: without the table it fails in the database.
    await createWorkspace(database.db, { slug: 'upkeep' });
    await sql`DROP TABLE segments CASCADE`.execute(database.owner);
    const engine = new SegmentEngine({
      db: database.db,
      now: () => new Date(Date.UTC(2026, 2, 10, 12)),
      workers: 0,
      sweepIntervalMs: 3_600_000,
      // As the composition root wires it (start-strata.ts).
      log: (level, message, data) => logger[level]({ component: 'segments', ...data }, message),
    });
    await engine.start();
    await engine.stop();

    const failure = lines
      .map((line) => JSON.parse(line) as { msg: string; err?: { stack?: string; code?: string; message?: string } })
      .find((l) => l.msg.startsWith('segment upkeep failed'));
    expect(failure?.err?.code).toBe('42P01');
    expect(failure?.err?.stack).toMatch(/\n\s+at /);
    expect(failure?.err?.message).not.toContain('segments');
  });
});
