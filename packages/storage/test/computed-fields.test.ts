import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { baseFieldSchema, evaluateRule, registerComputedField, ruleDependencies, validateRule, type AccountRecord } from '@strata/core';
import { createWorkspace, loadAccountRecord, registerComputedFieldSql, selectRuleMembers, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

it('a computed field registered by a domain is checked, read by SQL and in memory alike, and reports its topics', async () => {
  // A made-up score for this test only: ten per seat plus one per person; missing without seats.
  const unregister = registerComputedField({
    name: 'reach',
    target: 'account',
    type: 'number',
    topics: ['trait:seats', 'people'],
    read: (record) => {
      const seats = record.traits['seats'];
      return typeof seats === 'number' ? seats * 10 + (record as AccountRecord).people.length : undefined;
    },
  });
  const unregisterSql = registerComputedFieldSql(
    'account',
    'reach',
    (a) => sql`(strata_number(${sql.ref(`${a}.traits`)} -> 'seats') * 10
      + (SELECT count(*) FROM person_accounts pa WHERE pa.workspace_id = ${sql.ref(`${a}.workspace_id`)} AND pa.account_id = ${sql.ref(`${a}.account_id`)}))`,
  );
  try {
    const checked = validateRule('reach >= 21 or reach is not set', { target: 'account', schema: baseFieldSchema() });
    if (!checked.ok) throw new Error(JSON.stringify(checked.diagnostics));
    expect(checked.text).toBe('reach >= 21 or reach is not set');
    expect(ruleDependencies(checked.rule).topics).toEqual(['people', 'trait:seats']);
    // Only on its own target.
    expect(validateRule('reach >= 1', { target: 'person', schema: baseFieldSchema() }).ok).toBe(false);

    const workspace = await createWorkspace(database.db, { slug: 'computed' });
    const db = workspaceScope(database.db, workspace.id, () => new Date()).db;
    const seats: Array<number | string | undefined> = [2, 2, 1, 'two', undefined];
    const accounts = seats.map((s) => ({ id: randomUUID(), traits: s === undefined ? {} : { seats: s } }));
    await db
      .insertInto('accounts')
      .values(
        accounts.map((a, i) => ({
          workspace_id: workspace.id,
          account_id: a.id,
          group_id: `g${i}`,
          traits: JSON.stringify(a.traits),
          trait_times: '{}',
        })),
      )
      .execute();
    // One person in the first account: reach 21; the second has 20, the third 10.
    const person = randomUUID();
    await db
      .insertInto('people')
      .values({
        workspace_id: workspace.id,
        person_id: person,
        traits: '{}',
        trait_times: '{}',
        first_seen_at: new Date(),
        last_seen_at: new Date(),
      })
      .execute();
    await db
      .insertInto('person_accounts')
      .values({ workspace_id: workspace.id, person_id: person, account_id: accounts[0]!.id, traits: '{}', trait_times: '{}' })
      .execute();

    const now = new Date();
    const inSql = (await selectRuleMembers(db, checked.rule, { workspaceId: workspace.id, now }).execute()).map((m) => m.id).sort();
    const inMemory: string[] = [];
    for (const a of accounts) {
      const record = await loadAccountRecord(
        workspaceScope(database.db, workspace.id, () => now),
        a.id,
        { rule: checked.rule, now },
      );
      if (evaluateRule(checked.rule, record!, now, 'UTC')) inMemory.push(a.id);
    }
    const expected = [accounts[0]!.id, accounts[3]!.id, accounts[4]!.id].sort();
    expect(inSql).toEqual(expected);
    expect(inMemory.sort()).toEqual(expected);
  } finally {
    unregister();
    unregisterSql();
  }
  expect(validateRule('reach >= 21', { target: 'account', schema: baseFieldSchema() })).toMatchObject({
    ok: false,
    diagnostics: [{ code: 'unknown-field' }],
  });
});

it('PostgreSQL and the evaluator accept the same timezone names', async () => {
  const { isValidTimezone } = await import('@strata/core');
  const known = (await sql<{ name: string }>`SELECT name FROM strata_timezones`.execute(database.db)).rows.map((r) => r.name);
  expect(known.length).toBeGreaterThan(400);
  expect(known.filter((name) => !isValidTimezone(name))).toEqual([]);
  expect(known.filter((name) => !isValidTimezone(name.toUpperCase()))).toEqual([]);
  // Every zone the JavaScript runtime lists, and names only ICU knows, which JavaScript must refuse.
  const sqlAccepts = async (name: string) =>
    (await sql<{ zone: string | null }>`SELECT strata_timezone(${name}) AS zone`.execute(database.db)).rows[0]!.zone !== null;
  for (const name of [...Intl.supportedValuesOf('timeZone'), 'PST', 'IST', 'US/Pacific-New', 'SystemV/EST5', 'Factory', '+05:00', 'GMT+5'])
    expect(await sqlAccepts(name), name).toBe(isValidTimezone(name));
});
