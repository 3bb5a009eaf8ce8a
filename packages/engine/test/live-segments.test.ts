import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSegmentMessages, type Target } from '@strata/core';
import { createSegment, ensureLifecycleFieldsRegistered, ingestMessages, LiveSegmentWorker, sweepTime } from '@strata/engine';
import { sql } from 'kysely';
import { createWorkspace, ensureEventPartitions, selectRuleMembers, listLiveVersions, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  ensureLifecycleFieldsRegistered();
  database = await createTestDatabase();
  await ensureEventPartitions(database.db, ['2026-01', '2026-02', '2026-03', '2026-04', '2026-10', '2026-11']);
});
afterAll(async () => {
  await database.drop();
});

const start = Date.UTC(2026, 2, 1);

/** One of each form the contract names, plus references between segments and a rollup. */
const segments: Array<{ key: string; target: Target; rule: string }> = [
  { key: 'pro-people', target: 'person', rule: 'plan = "pro"' },
  { key: 'frequent', target: 'person', rule: 'count(events "login" within last 30 days) >= 2' },
  { key: 'quiet', target: 'person', rule: 'not did "login" within last 14 days' },
  { key: 'lapsed', target: 'person', rule: 'last(events "login") more than 14 days ago' },
  { key: 'in-enterprise', target: 'person', rule: 'account.plan = "enterprise"' },
  { key: 'busy-days', target: 'person', rule: 'days(events within last 7 days) >= 2' },
  { key: 'new-people', target: 'person', rule: 'signed_up_at within last 5 days' },
  { key: 'pro-exporters', target: 'person', rule: 'in segment "pro-people" and did "export"' },
  // Two rules over one event name's properties: a batch reads those events once for both, from the earlier window on.
  { key: 'api-users', target: 'person', rule: 'count(events "feature_used" where feature = "api" within last 5 days) >= 1' },
  { key: 'steady-exporters', target: 'person', rule: 'count(events "feature_used" where feature = "export" within last 20 days) >= 1' },
  { key: 'big', target: 'account', rule: 'plan in ["pro", "enterprise"] and mrr >= 1000' },
  { key: 'team-logins', target: 'account', rule: 'count(people where did "login" within last 7 days) >= 2' },
  { key: 'all-pro', target: 'account', rule: 'all(people where in segment "pro-people")' },
  { key: 'ending', target: 'account', rule: 'trial_ends_at within next 3 days' },
  { key: 'big-quiet', target: 'account', rule: 'in segment "big" and not in segment "team-logins"' },
  // From the MRR history: the same whatever order the MRR changes arrive in.
  { key: 'growing', target: 'account', rule: 'mrr_change_90d > 0' },
  // Calendar windows move only at local midnights (the workspace is in New York, which changes to DST on 8 March).
  { key: 'this-week', target: 'person', rule: 'did "login" within this week' },
  {
    key: 'last-month-teams',
    target: 'account',
    rule: 'count(people where did "login" within last 1 calendar months in customer timezone) >= 1',
  },
];

const person = fc.integer({ min: 1, max: 4 });
const offset = fc.integer({ min: -40 * 24, max: 0 }).map((h) => h * 3_600_000);
// Events may be stamped ahead of their arrival (clock skew, scheduled imports): they enter windows later, with no new event.
const eventOffset = fc.oneof(
  offset,
  fc.integer({ min: 1, max: 48 }).map((h) => h * 3_600_000),
);
const message = fc.oneof(
  fc.record({
    type: fc.constant('identify' as const),
    p: person,
    plan: fc.option(fc.constantFrom('free', 'pro')),
    signedUp: fc.option(offset),
    at: offset,
  }),
  fc.record({
    type: fc.constant('track' as const),
    p: person,
    anonymous: fc.boolean(),
    event: fc.constantFrom('login', 'export', 'feature_used'),
    feature: fc.option(fc.constantFrom('api', 'export')),
    group: fc.option(fc.constantFrom('g1', 'g2')),
    at: eventOffset,
  }),
  fc.record({
    type: fc.constant('group' as const),
    p: person,
    group: fc.constantFrom('g1', 'g2'),
    plan: fc.constantFrom('pro', 'enterprise', 'free'),
    mrr: fc.constantFrom(0, 500, 2000),
    trialEnds: fc.option(fc.integer({ min: 0, max: 10 * 24 }).map((h) => h * 3_600_000)),
    // Back past 90 days, so that MRR changes leave `mrr_change_90d`'s window while the clock moves.
    at: fc.integer({ min: -100 * 24, max: 0 }).map((h) => h * 3_600_000),
  }),
  // An explicit merge: the anonymous person's events, traits and summaries move to the identified one.
  fc.record({ type: fc.constant('alias' as const), p: person, at: offset }),
);
type Message = typeof message extends fc.Arbitrary<infer M> ? M : never;

/**
 * Messages as a Segment client sends them; times are relative to the clock at the moment of
 * sending. Each scenario has people and accounts of its own (`s3-u1`, `s3-g1`), so many
 * independent scenarios share one replay.
 */
function toRaw(m: Message, scenario: number, now: number, messageId: string): Record<string, unknown> {
  const timestamp = new Date(now + m.at).toISOString();
  const user = `s${scenario}-u${m.p}`;
  const anonymous = `s${scenario}-anon-${m.p}`;
  if (m.type === 'identify') {
    const traits: Record<string, unknown> = {};
    if (m.plan) traits['plan'] = m.plan;
    if (m.signedUp !== null) traits['signed_up_at'] = new Date(now + m.signedUp).toISOString();
    // Identify with the person's anonymous id too, so anonymous activity merges into them.
    return { type: 'identify', userId: user, anonymousId: anonymous, traits, timestamp, messageId };
  }
  if (m.type === 'alias') return { type: 'alias', previousId: anonymous, userId: user, timestamp, messageId };
  if (m.type === 'track') {
    const who = m.anonymous ? { anonymousId: anonymous } : { userId: user };
    const group = m.group ? { context: { groupId: `s${scenario}-${m.group}` } } : {};
    const properties = m.feature ? { properties: { feature: m.feature } } : {};
    return { type: 'track', ...who, event: m.event, timestamp, messageId, ...properties, ...group };
  }
  const traits: Record<string, unknown> = { plan: m.plan, mrr: m.mrr };
  if (m.trialEnds !== null) traits['trial_ends_at'] = new Date(now + m.trialEnds).toISOString();
  return { type: 'group', userId: user, groupId: `s${scenario}-${m.group}`, traits, timestamp, messageId };
}

let run = 0;
/** Replays batches with the clock moving between them, live evaluation and time sweeps as they would run. */
async function replay(
  batches: Array<{ messages: Array<{ scenario: number; message: Message; id: string }>; advanceHours: number; drain: boolean }>,
) {
  const workspace = await createWorkspace(database.db, { slug: `live-${run++}`, timezone: 'America/New_York' });
  let now = start;
  const clock = () => new Date(now);
  for (const s of segments) {
    const created = await createSegment(workspaceScope(database.db, workspace.id, clock), { ...s, name: s.key }, {});
    expect(created.ok, s.rule).toBe(true);
  }
  const worker = new LiveSegmentWorker({ db: database.db, now: clock, batchSize: 25 });
  for (const batch of batches) {
    const raw = batch.messages.map((m) => toRaw(m.message, m.scenario, now, m.id));
    const parsed = parseSegmentMessages(raw);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    await ingestMessages(workspaceScope(database.db, workspace.id, clock), { messages: parsed.messages, receivedAt: clock() });
    if (batch.drain) await worker.drain();
    now += batch.advanceHours * 3_600_000;
    await sweepTime(database.db, clock());
    if (batch.drain) await worker.drain();
  }
  await worker.drain();
  await sweepTime(database.db, clock());
  await worker.drain();
  return { workspaceId: workspace.id, now: clock() };
}

/** Members by a name that is the same in every workspace: userId, groupId, or an anonymous person's anonymousId. */
async function membersById(workspaceId: string, key: string, target: Target): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    SELECT coalesce(p.user_id, a.group_id, (SELECT min(i.value) FROM identities i WHERE i.workspace_id = m.workspace_id AND i.person_id = m.member_id)) AS name
    FROM segment_members m
    LEFT JOIN people p ON ${target === 'person'} AND p.workspace_id = m.workspace_id AND p.person_id = m.member_id
    LEFT JOIN accounts a ON ${target === 'account'} AND a.workspace_id = m.workspace_id AND a.account_id = m.member_id
    WHERE m.workspace_id = ${workspaceId} AND m.segment_key = ${key}`.execute(database.owner);
  return rows.rows.map((r) => r.name).sort();
}

/**
 * Independent scenarios replayed together: each run checks `scenariosPerRun` of them, so that the
 * CI's 1,000 scenarios cost 25 replays, not 1,000. A scenario is its own messages in each batch of
 * a shared schedule (how far the clock moves after each batch, and whether workers run then).
 */
const scenariosPerRun = 40;
const scenarioRuns = Math.max(5, Math.round(Number(process.env['PROPERTY_RUNS'] ?? 1000) / scenariosPerRun));
const scheduleArb = fc.array(fc.record({ advanceHours: fc.integer({ min: 0, max: 96 }), drain: fc.boolean() }), {
  minLength: 1,
  maxLength: 5,
});
const batchesArb = scheduleArb.chain((schedule) =>
  fc
    .array(fc.array(fc.array(message, { minLength: 0, maxLength: 6 }), { minLength: schedule.length, maxLength: schedule.length }), {
      minLength: scenariosPerRun,
      maxLength: scenariosPerRun,
    })
    .map((scenarios) =>
      schedule.map((step, i) => ({
        ...step,
        // A message keeps its id whatever order it arrives in, as a client's retries do: equal
        // timestamps are settled by the message id, so ids given by arrival position would make
        // the shuffled replay a different input.
        messages: scenarios.flatMap((batches, scenario) =>
          batches[i]!.map((message, position) => ({ scenario, message, id: `s${scenario}-b${i}-${position}` })),
        ),
      })),
    ),
);

/** Every summary of a workspace next to the same aggregated from its raw events: they must agree after any replay. */
async function summariesAgainstEvents(workspaceId: string) {
  const read = (query: ReturnType<typeof sql<{ row: string }>>) =>
    query.execute(database.owner).then((r) => r.rows.map((x) => x.row).sort());
  return {
    kept: await read(sql<{ row: string }>`
      SELECT concat_ws('|', person_id, name, count, first_at, last_at, times) AS row FROM event_summaries WHERE workspace_id = ${workspaceId}`),
    fromEvents: await read(sql<{ row: string }>`
      SELECT concat_ws('|', person_id, name, count(*), min(timestamp), max(timestamp), array_agg(timestamp ORDER BY timestamp)) AS row
      FROM events WHERE workspace_id = ${workspaceId} AND person_id IS NOT NULL GROUP BY person_id, name`),
  };
}

it('live evaluation, with time sweeps and identity merges, ends where a full recompute does, whatever the arrival order, and event summaries match the events', async () => {
  await fc.assert(
    fc.asyncProperty(batchesArb, fc.infiniteStream(fc.nat()), async (batches, shuffleSeeds) => {
      const live = await replay(batches);
      const summaries = await summariesAgainstEvents(live.workspaceId);
      expect(summaries.kept).toEqual(summaries.fromEvents);
      const versions = await listLiveVersions(workspaceScope(database.db, live.workspaceId, () => new Date()));
      for (const version of versions) {
        const full = await selectRuleMembers(workspaceScope(database.db, live.workspaceId, () => live.now).db, version.rule, {
          workspaceId: live.workspaceId,
          now: live.now,
        }).execute();
        const stored = await database.owner
          .selectFrom('segment_members')
          .select('member_id')
          .where('workspace_id', '=', live.workspaceId)
          .where('segment_key', '=', version.key)
          .execute();
        expect(stored.map((r) => r.member_id).sort(), version.text).toEqual(full.map((r) => r.id).sort());
      }
      // The same messages, each batch shuffled: the same members.
      const seeds = shuffleSeeds.take(batches.length * 6 * scenariosPerRun)[Symbol.iterator]();
      const shuffled = batches.map((b) => ({ ...b, messages: [...b.messages].sort(() => ((seeds.next().value as number) % 3) - 1) }));
      const other = await replay(shuffled);
      for (const s of segments)
        expect(await membersById(other.workspaceId, s.key, s.target), s.rule).toEqual(await membersById(live.workspaceId, s.key, s.target));
      // sweepTime sweeps every workspace of the database: earlier runs' workspaces, left in place,
      // would be swept (and their calendar segments recomputed) by every later run.
      await database.owner.deleteFrom('workspaces').where('workspace_id', 'in', [live.workspaceId, other.workspaceId]).execute();
    }),
    // No shrinking: a replay of 40 scenarios takes seconds, so shrinking would outlast the test's
    // time limit and hide the counterexample; the failing input is printed as generated.
    { numRuns: scenarioRuns, endOnFailure: true },
  );
  // Each run replays its batches twice with sweeps between them: a limit, not a speed claim.
}, 480_000);

it("calendar windows flip at local midnight in the workspace timezone, and in the customer's own, across a DST change", async () => {
  // Berlin leaves DST on Sunday 25 October 2026: that week (from Monday 19 October, 00:00 CEST =
  // 18 October 22:00Z) is 169 hours long and ends on Monday 26 October 00:00 CET = 25 October 23:00Z,
  // an hour later than 7 × 24 hours and an hour before UTC midnight. New York changes a week later,
  // so its week ends on 26 October 00:00 EDT = 04:00Z.
  // A database of its own: sweepTime sweeps every workspace of a database, at the caller's instant.
  const own = await createTestDatabase();
  try {
    await calendarScenario(own);
  } finally {
    await own.drop();
  }
});

async function calendarScenario(database: TestDatabase): Promise<void> {
  await ensureEventPartitions(database.db, ['2026-10', '2026-11']);
  const workspace = await createWorkspace(database.db, { slug: 'calendar', timezone: 'Europe/Berlin' });
  let now = Date.parse('2026-10-20T12:00:00Z');
  const clock = () => new Date(now);
  const rules: Array<{ key: string; rule: string }> = [
    { key: 'this-week', rule: 'did "login" within this week' },
    { key: 'last-week', rule: 'did "login" within last 1 calendar weeks' },
    { key: 'this-week-local', rule: 'did "login" within this week in customer timezone' },
  ];
  for (const r of rules)
    expect((await createSegment(workspaceScope(database.db, workspace.id, clock), { ...r, name: r.key, target: 'person' }, {})).ok).toBe(
      true,
    );
  const worker = new LiveSegmentWorker({ db: database.db, now: clock, batchSize: 10 });
  const parsed = parseSegmentMessages([
    { type: 'identify', userId: 'berlin', traits: {}, timestamp: clock().toISOString(), messageId: 'i1' },
    { type: 'identify', userId: 'new-york', traits: { timezone: 'America/New_York' }, timestamp: clock().toISOString(), messageId: 'i2' },
    { type: 'track', userId: 'berlin', event: 'login', timestamp: clock().toISOString(), messageId: 't1' },
    { type: 'track', userId: 'new-york', event: 'login', timestamp: clock().toISOString(), messageId: 't2' },
  ]);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  await ingestMessages(workspaceScope(database.db, workspace.id, clock), { messages: parsed.messages, receivedAt: clock() });
  await worker.drain();
  await sweepTime(database.db, clock());
  const members = async () =>
    Object.fromEntries(
      await Promise.all(
        rules.map(async (r) => {
          const rows = await sql<{ name: string }>`
            SELECT p.user_id AS name FROM segment_members m JOIN people p ON p.workspace_id = m.workspace_id AND p.person_id = m.member_id
            WHERE m.workspace_id = ${workspace.id} AND m.segment_key = ${r.key}`.execute(database.owner);
          return [r.key, rows.rows.map((row) => row.name).sort()] as const;
        }),
      ),
    );
  const at = async (iso: string) => {
    now = Date.parse(iso);
    await sweepTime(database.db, clock());
    await worker.drain();
    return members();
  };
  expect(await members()).toEqual({ 'this-week': ['berlin', 'new-york'], 'last-week': [], 'this-week-local': ['berlin', 'new-york'] });
  // Seven days of 24 hours after the week began, it is still Sunday 23:30 in Berlin.
  expect(await at('2026-10-25T22:30:00Z')).toEqual({
    'this-week': ['berlin', 'new-york'],
    'last-week': [],
    'this-week-local': ['berlin', 'new-york'],
  });
  // One minute past local midnight in Berlin, an hour before UTC midnight: the week turned over.
  expect(await at('2026-10-25T23:01:00Z')).toEqual({
    'this-week': [],
    'last-week': ['berlin', 'new-york'],
    'this-week-local': ['new-york'],
  });
  // Still Sunday in New York until 04:00Z.
  expect(await at('2026-10-26T03:59:00Z')).toEqual({
    'this-week': [],
    'last-week': ['berlin', 'new-york'],
    'this-week-local': ['new-york'],
  });
  expect(await at('2026-10-26T04:01:00Z')).toEqual({ 'this-week': [], 'last-week': ['berlin', 'new-york'], 'this-week-local': [] });
}
