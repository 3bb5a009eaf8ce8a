import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** Columns that hold amounts of money, exact as `numeric` (none is a column yet: money lives in traits). */
const amountColumns: string[] = [];

it('keeps numeric for amounts only; support measures are double precision', async () => {
  const { rows } = await sql<{ column: string; type: string }>`
    SELECT table_name || '.' || column_name AS column, data_type AS type
    FROM information_schema.columns
    WHERE table_schema = 'public' AND data_type IN ('numeric', 'double precision')
    ORDER BY 1`.execute(database.db);
  expect(rows.filter((r) => r.type === 'numeric').map((r) => r.column)).toEqual(amountColumns);
  expect(rows.filter((r) => r.type === 'double precision').map((r) => r.column)).toEqual(
    expect.arrayContaining(['tickets.csat', 'tickets.first_response_minutes', 'surveys.nps', 'ticket_messages.sentiment']),
  );
});

it('reads a numeric as its exact decimal text, and measures and counts as numbers', async () => {
  const { rows } = await sql<{ amount: unknown; measure: unknown; count: unknown }>`
    SELECT 0.1::numeric + 0.2::numeric AS amount, 0.1::float8 + 0.2::float8 AS measure, count(*) AS count
    FROM (VALUES (1), (2)) v(x)`.execute(database.db);
  expect(rows[0]).toEqual({ amount: '0.3', measure: 0.1 + 0.2, count: 2 });
});
