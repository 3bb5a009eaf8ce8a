import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSegmentMessages } from '@strata/core';
import { ingestMessages } from '@strata/engine';
import { createWorkspace, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const person = fc.integer({ min: 1, max: 3 });
const time = fc.integer({ min: 0, max: 4 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString());
const traits = fc.record(
  { plan: fc.constantFrom('free', 'pro', 'enterprise'), seats: fc.integer({ min: 1, max: 9 }) },
  { requiredKeys: [] },
);
// Each anonymous id belongs to one person (a browser is one person's), as in real traffic.
const message = fc.oneof(
  fc.record({ type: fc.constant('identify'), p: person, withAnonymous: fc.boolean(), traits, timestamp: time }),
  fc.record({
    type: fc.constant('track'),
    p: person,
    anonymousOnly: fc.boolean(),
    event: fc.constantFrom('login', 'export'),
    group: fc.option(fc.constantFrom('g1', 'g2')),
    timestamp: time,
  }),
  fc.record({
    type: fc.constant('group'),
    p: person,
    group: fc.constantFrom('g1', 'g2'),
    traits,
    role: fc.option(fc.constantFrom('admin', 'agent')),
    timestamp: time,
  }),
  fc.record({ type: fc.constant('alias'), p: person, timestamp: time }),
);

function toSegment(raw: Record<string, unknown>, index: number): Record<string, unknown> {
  const p = raw['p'] as number;
  const base = { messageId: `m-${index}`, timestamp: raw['timestamp'] };
  switch (raw['type']) {
    case 'identify':
      return {
        ...base,
        type: 'identify',
        userId: `u${p}`,
        ...(raw['withAnonymous'] ? { anonymousId: `a${p}` } : {}),
        traits: raw['traits'],
      };
    case 'track':
      return {
        ...base,
        type: 'track',
        ...(raw['anonymousOnly'] ? { anonymousId: `a${p}` } : { userId: `u${p}` }),
        event: raw['event'],
        ...(raw['group'] ? { context: { groupId: raw['group'] } } : {}),
      };
    case 'group':
      return {
        ...base,
        type: 'group',
        userId: `u${p}`,
        groupId: raw['group'],
        traits: raw['traits'],
        ...(raw['role'] ? { context: { membership: { role: raw['role'] } } } : {}),
      };
    default:
      return { ...base, type: 'alias', previousId: `a${p}`, userId: `u${p}` };
  }
}

/** Everything a user can observe of a workspace, keyed by stable ids rather than internal uuids. */
async function snapshot(workspaceId: string) {
  const db = database.db;
  const people = await db
    .selectFrom('people')
    .select(['person_id', 'user_id', 'traits', 'first_seen_at', 'last_seen_at'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const identities = await db
    .selectFrom('identities')
    .select(['kind', 'value', 'person_id'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const events = await db
    .selectFrom('events')
    .select(['message_id', 'person_id', 'account_id'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const accounts = await db
    .selectFrom('accounts')
    .select(['account_id', 'group_id', 'traits'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const links = await db
    .selectFrom('person_accounts')
    .select(['person_id', 'account_id', 'traits'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const nameOf = (personId: string | null) =>
    identities
      .filter((i) => i.person_id === personId)
      .map((i) => `${i.kind}:${i.value}`)
      .sort()
      .join(',');
  const groupOf = (accountId: string | null) => accounts.find((a) => a.account_id === accountId)?.group_id ?? null;
  return {
    people: people
      .map((p) => ({
        name: nameOf(p.person_id),
        userId: p.user_id,
        traits: p.traits,
        first: p.first_seen_at.toISOString(),
        last: p.last_seen_at.toISOString(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    events: events.map((e) => `${e.message_id}>${nameOf(e.person_id)}@${groupOf(e.account_id)}`).sort(),
    accounts: accounts.map((a) => ({ groupId: a.group_id, traits: a.traits })).sort((a, b) => a.groupId.localeCompare(b.groupId)),
    links: links.map((l) => `${nameOf(l.person_id)}@${groupOf(l.account_id)}:${JSON.stringify(l.traits)}`).sort(),
  };
}

let run = 0;
async function ingestInto(messages: Record<string, unknown>[], batchSizes: number[]) {
  const workspace = await createWorkspace(database.db, { slug: `order-${run++}` });
  let offset = 0;
  for (let i = 0; offset < messages.length; i++) {
    const size = batchSizes[i % batchSizes.length]!;
    const parsed = parseSegmentMessages(messages.slice(offset, offset + size));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    await ingestMessages(
      workspaceScope(database.db, workspace.id, () => new Date()),
      { messages: parsed.messages, receivedAt: new Date('2026-02-01T00:00:00Z') },
    );
    offset += size;
  }
  return snapshot(workspace.id);
}

it('gives the same profiles whatever order and batching the same calls arrive in', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(message, { minLength: 1, maxLength: 25 }),
      fc.infiniteStream(fc.nat()).map((s) => s),
      fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
      async (raw, noise, batchSizes) => {
        const messages = raw.map((m, i) => toSegment(m as Record<string, unknown>, i));
        const shuffled = messages
          .map((m) => ({ m, key: noise.next().value as number }))
          .sort((a, b) => a.key - b.key)
          .map((x) => x.m);
        const inOrder = await ingestInto(messages, [messages.length]);
        const reordered = await ingestInto(shuffled, batchSizes);
        expect(reordered).toEqual(inOrder);
      },
    ),
    { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 40) },
  );
});
