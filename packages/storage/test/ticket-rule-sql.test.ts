import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  baseFieldSchema,
  evaluateTicketRule,
  validateTicketRule,
  type AccountRecord,
  type PersonRecord,
  type TicketRecord,
} from '@strata/core';
import { compileTicketCondition, createWorkspace, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const now = new Date('2026-03-10T12:00:00Z');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
const ticketArb = fc.record({
  priority: maybe(fc.constantFrom('low', 'normal', 'high', 'urgent')),
  status: maybe(fc.constantFrom('new', 'open', 'solved')),
  channel: maybe(fc.constantFrom('email', 'chat', 'phone')),
  language: maybe(fc.constantFrom('en', 'de')),
  sentiment_label: maybe(fc.constantFrom('negative', 'neutral', 'positive')),
  subject: maybe(fc.constantFrom('Refund please', 'Login broken', 'refund?')),
  tags: fc.subarray(['vip', 'billing']),
  source: fc.constantFrom('api', 'zendesk'),
  group_name: maybe(fc.constantFrom('billing', 'tier-2')),
  topic: maybe(fc.constantFrom('billing', 'bug')),
  hoursAgo: fc.integer({ min: 0, max: 24 * 40 }),
  person: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  account: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
});
const worldArb = fc.record({
  people: fc.array(
    fc.record({
      traits: fc.record(
        { plan: maybe(fc.constantFrom('pro', 'free')), language: maybe(fc.constantFrom('de', 'en', 3)) },
        { requiredKeys: [] },
      ),
      isNew: fc.boolean(),
    }),
    { minLength: 3, maxLength: 3 },
  ),
  accounts: fc.array(
    fc.record({
      traits: fc.record(
        { plan: maybe(fc.constantFrom('enterprise', 'pro')), mrr: maybe(fc.constantFrom(100, 5000, '9000')) },
        { requiredKeys: [] },
      ),
      highValue: fc.boolean(),
    }),
    { minLength: 2, maxLength: 2 },
  ),
  tickets: fc.array(ticketArb, { minLength: 1, maxLength: 8 }),
});
type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

// Atoms over every kind of field a ticket rule reads; the property combines them with and/or/not.
const atoms = [
  'in segment "high-value"',
  'in segment "new"',
  'channel = "email"',
  'sentiment = "negative"',
  'priority in ["high", "urgent"]',
  'status is not set',
  'subject contains "refund" ignoring case',
  'tags is set',
  'group = "billing"',
  'topic != "bug"',
  'source = "zendesk"',
  'language = "de"',
  'created_at within last 7 days',
  'created_at within this month in customer timezone',
  'account.plan = "enterprise"',
  'account.mrr >= 1000',
  'person.plan is not set',
  'person.language = "de"',
];
for (const atom of atoms) {
  const checked = validateTicketRule(atom, { schema: baseFieldSchema() });
  if (!checked.ok) throw new Error(`${atom}: ${checked.diagnostics.map((d) => d.message).join('; ')}`);
}
const ruleArb: fc.Arbitrary<string> = fc.letrec<{ rule: string }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...atoms),
    fc.tuple(tie('rule'), fc.constantFrom('and', 'or'), tie('rule')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    tie('rule').map((r) => `not (${r})`),
  ),
})).rule;

let run = 0;
async function store(world: World): Promise<{ workspaceId: string; tickets: TicketRecord[] }> {
  const workspace = await createWorkspace(database.db, { slug: `ticket-sql-${run++}`, timezone: 'Europe/Berlin' });
  const ws = workspace.id;
  const db = workspaceScope(database.db, ws, () => now).db;
  const people: PersonRecord[] = world.people.map((p, i) => ({
    id: randomUUID(),
    columns: { user_id: `u${i}` },
    traits: p.traits,
    accounts: [],
    events: [],
    tickets: [],
    surveys: [],
    segments: new Set(p.isNew ? ['new'] : []),
  }));
  const accounts: AccountRecord[] = world.accounts.map((a, i) => ({
    id: randomUUID(),
    columns: { group_id: `g${i}` },
    traits: a.traits,
    people: [],
    events: [],
    tickets: [],
    surveys: [],
    segments: new Set(a.highValue ? ['high-value'] : []),
  }));
  await db
    .insertInto('people')
    .values(
      people.map((p) => ({
        workspace_id: ws,
        person_id: p.id,
        user_id: p.columns['user_id'] as string,
        traits: JSON.stringify(p.traits),
        trait_times: '{}',
        first_seen_at: now,
        last_seen_at: now,
      })),
    )
    .execute();
  await db
    .insertInto('accounts')
    .values(
      accounts.map((a) => ({
        workspace_id: ws,
        account_id: a.id,
        group_id: a.columns['group_id'] as string,
        traits: JSON.stringify(a.traits),
        trait_times: '{}',
      })),
    )
    .execute();
  const members = [...people, ...accounts].flatMap((p) =>
    [...p.segments].map((key) => ({ workspace_id: ws, segment_key: key, member_id: p.id })),
  );
  if (members.length > 0) await db.insertInto('segment_members').values(members).execute();
  const rows = world.tickets.map(({ hoursAgo, person, account, ...fields }) => ({
    workspace_id: ws,
    ticket_id: randomUUID(),
    person_id: person === undefined ? null : people[person]!.id,
    account_id: account === undefined ? null : accounts[account]!.id,
    created_at: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(),
    is_open: fields.status !== 'solved',
    ...fields,
  }));
  await db.insertInto('tickets').values(rows).execute();
  // The evaluator reads the same columns by name, with the requester's and account's records.
  const tickets: TicketRecord[] = rows.map(({ workspace_id: _ws, ticket_id, person_id, account_id, ...fields }) => {
    const person = people.find((p) => p.id === person_id);
    const account = accounts.find((a) => a.id === account_id);
    return { id: ticket_id, fields, ...(person ? { person } : {}), ...(account ? { account } : {}) };
  });
  return { workspaceId: ws, tickets };
}

it('selects by SQL exactly the tickets the evaluator decides for', async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, fc.array(ruleArb, { minLength: 1, maxLength: 4 }), async (world, rules) => {
      const { workspaceId, tickets } = await store(world);
      const db = workspaceScope(database.db, workspaceId, () => now).db;
      for (const text of rules) {
        const checked = validateTicketRule(text, { schema: baseFieldSchema() });
        if (!checked.ok) throw new Error(`${text}: ${checked.diagnostics.map((d) => d.message).join('; ')}`);
        const rows = await db
          .selectFrom('tickets as t')
          .select('t.ticket_id')
          .where('t.workspace_id', '=', workspaceId)
          .where(compileTicketCondition(checked.rule, { workspaceId, now }))
          .execute();
        const bySql = rows.map((r) => r.ticket_id).sort();
        const inMemory = tickets
          .filter((t) => evaluateTicketRule(checked.rule, t, now, 'Europe/Berlin'))
          .map((t) => t.id)
          .sort();
        expect(bySql, text).toEqual(inMemory);
      }
    }),
    { numRuns: 25 },
  );
});
