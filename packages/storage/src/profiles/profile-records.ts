import { sql, type Kysely } from 'kysely';
import {
  calendarBounds,
  ruleDependencies,
  shiftTime,
  type AccountRecord,
  type Condition,
  type Window,
  type EventRecord,
  type PersonRecord,
  type SegmentRule,
  type SupportRecord,
} from '@strata/core';
import type { Database, IdentityKind } from '../schema.js';
import { computedFieldSqls, findMemberships } from '../segments/index.js';
import { loadHealthColumns } from '../health/index.js';
import { readMrrHistory } from '../lifecycle/index.js';
import type { WorkspaceScope } from '../workspace-scope.js';

/** The most rows (events, tickets, answers) and people one record may hold: explain's bound. */
export const recordLimits = { rows: 50_000, people: 2_000 } as const;

/** A profile holds more rows than `recordLimits` allows for the rule's sources. */
export class RecordTooLargeError extends Error {
  constructor(readonly what: 'rows' | 'people') {
    super(`the profile has more than ${recordLimits[what].toLocaleString('en')} ${what} that the rule reads`);
    this.name = 'RecordTooLargeError';
  }
}

/**
 * What a rule reads of one level of a profile, from its dependencies: which events (by name,
 * or all), whether tickets, answers, accounts and memberships; for an account, what of its
 * people. `undefined` reads everything.
 */
interface RecordNeeds {
  /** Events to load: all, none, or any of these reads (a name, or every name, within a time range or all time). */
  events: 'all' | 'none' | EventRead[];
  tickets: boolean;
  surveys: boolean;
  accounts: boolean;
  segments: boolean;
  /** Stored health scores (computed fields with the `health` topic). */
  health: boolean;
  /** An account's MRR history (`mrr_change_90d`, which changes with `trait:mrr`). */
  mrrHistory: boolean;
  people?: RecordNeeds | undefined;
}

interface EventRead {
  /** Undefined: every name. */
  name?: string | undefined;
  /** Undefined: all time. */
  range?: { from: Date; to: Date } | undefined;
}

/**
 * The events a rule reads at each level, by name and window: a name read anywhere without a
 * window is read for all time. Ranges are widened by a day: loading more than a window holds
 * changes nothing (the evaluator applies the window), loading less would.
 */
function eventReadsOf(rule: SegmentRule, now: Date): { own: EventRead[]; people: EventRead[] } {
  const reads = { own: new Map<string, EventRead>(), people: new Map<string, EventRead>() };
  const slack = 86_400_000;
  const add = (level: 'own' | 'people', name: string | undefined, window: Window | undefined) => {
    const key = name ?? '*';
    const range = window && windowRange(window, now.getTime(), slack);
    const known = reads[level].get(key);
    if (!known) reads[level].set(key, { name, range });
    else if (!known.range || !range) known.range = undefined;
    else known.range = { from: new Date(Math.min(+known.range.from, +range.from)), to: new Date(Math.max(+known.range.to, +range.to)) };
  };
  const walk = (node: Condition, level: 'own' | 'people'): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        for (const c of node.conditions) walk(c, level);
        return;
      case 'not':
        return walk(node.condition, level);
      case 'did':
        return add(level, node.event, node.window);
      case 'quantified':
        return walk(node.where, 'people');
      case 'in-segment':
        return;
      case 'predicate': {
        if (node.subject.kind !== 'aggregate') return;
        const source = node.subject.source;
        if (source.from === 'events') add(level, source.event, source.window);
        else if (source.from === 'people' && source.where) walk(source.where, 'people');
        return;
      }
    }
  };
  walk(rule.condition, 'own');
  return { own: [...reads.own.values()], people: [...reads.people.values()] };
}

/**
 * Instants a window can cover at `now`, widened by `slack`. A calendar window's zone may be any
 * profile's, and local times are within a day of UTC: in a zone, the unit holding `now` is the UTC
 * unit holding some instant of `now` ± 1 day, shifted by up to a day, so those UTC bounds hold it.
 */
function windowRange(window: Window, now: number, slack: number): { from: Date; to: Date } {
  if (window.kind === 'calendar') {
    const day = 86_400_000;
    const [start] = calendarBounds(now - day, window, 'UTC');
    const [, end] = calendarBounds(now + day, window, 'UTC');
    return { from: new Date(start - slack - day), to: new Date(end + slack + day) };
  }
  return {
    from: new Date((window.direction === 'last' ? shiftTime(now, window.amount, window.unit, -1) : now) - slack),
    to: new Date((window.direction === 'next' ? shiftTime(now, window.amount, window.unit, 1) : now) + slack),
  };
}

function needsOf(rule: SegmentRule, now: Date): RecordNeeds {
  const topics = ruleDependencies(rule).topics;
  const reads = eventReadsOf(rule, now);
  const level = (prefix: string, eventReads: EventRead[]): RecordNeeds => {
    const mine = topics.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
    const names = mine.filter((t) => t.startsWith('event:')).map((t) => t.slice('event:'.length));
    // The dependencies say which names; the reads add windows where every read of a name has one.
    const covered = names.every((n) => eventReads.some((r) => (r.name ?? '*') === n));
    return {
      events: names.length === 0 ? 'none' : !covered ? (names.includes('*') ? 'all' : names.map((name) => ({ name }))) : eventReads,
      tickets: mine.includes('tickets'),
      surveys: mine.includes('surveys'),
      accounts: mine.some((t) => t === 'accounts' || t.startsWith('account-')),
      segments: mine.some((t) => t.startsWith('segment:')),
      health: mine.includes('health'),
      mrrHistory: mine.includes('trait:mrr'),
    };
  };
  return { ...level('', reads.own), people: topics.includes('people') ? level('person:', reads.people) : undefined };
}

const everything: RecordNeeds = {
  events: 'all',
  tickets: true,
  surveys: true,
  accounts: true,
  segments: true,
  health: true,
  mrrHistory: true,
};

/**
 * One profile with what a rule can read, in the evaluator's shape: what explanations are
 * computed from. Given the rule, it loads only the rows the rule reads (events by name, support
 * rows, accounts, people), at most `recordLimits` of them, else throws `RecordTooLargeError`;
 * it is for one profile at a time.
 */
export async function loadPersonRecord(
  scope: WorkspaceScope,
  personId: string,
  reading?: { rule: SegmentRule; now: Date },
): Promise<PersonRecord | undefined> {
  const records = await loadPeople(
    scope,
    [personId],
    reading ? needsOf(reading.rule, reading.now) : everything,
    reading?.now ?? scope.clock(),
  );
  return records[0];
}

/** Several people's records in one round of statements, each holding what `loadPersonRecord` would load for it. */
export async function loadPersonRecords(
  scope: WorkspaceScope,
  personIds: readonly string[],
  reading: { rule: SegmentRule; now: Date },
): Promise<Map<string, PersonRecord>> {
  const ids = [...personIds];
  const records = await loadPeople(scope, ids, needsOf(reading.rule, reading.now), reading.now, recordLimits.rows * ids.length);
  return new Map(records.map((record) => [record.id, record]));
}

export async function loadAccountRecord(
  scope: WorkspaceScope,
  accountId: string,
  reading?: { rule: SegmentRule; now: Date },
): Promise<AccountRecord | undefined> {
  return (await loadAccountRecords(scope, [accountId], reading)).get(accountId);
}

/**
 * Several accounts' records in one round of statements (health scoring reads a hundred at a
 * time): each holds what `loadAccountRecord` would load for it, within the same per-record limits.
 */
export async function loadAccountRecords(
  scope: WorkspaceScope,
  accountIds: readonly string[],
  reading?: { rule: SegmentRule; now: Date },
): Promise<Map<string, AccountRecord>> {
  const { db, workspaceId } = scope;
  if (accountIds.length === 0) return new Map();
  const ids = [...accountIds];
  const needs = reading ? needsOf(reading.rule, reading.now) : { ...everything, people: everything };
  // Computed fields stored by their domains (a churn risk) load with the row, as SQL reads them at the rule's instant.
  const computed = computedFieldSqls('account');
  const now = reading?.now ?? scope.clock();
  const accounts = await db
    .selectFrom('accounts')
    .select(['account_id', 'group_id', 'traits', 'created_at'])
    .select(computed.map(({ name, read }) => read('accounts', now).as(`computed:${name}`)))
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`account_id = ANY(${ids}::uuid[])`)
    .execute();
  if (accounts.length === 0) return new Map();
  const links = needs.people
    ? await db
        .selectFrom('person_accounts')
        .select(['account_id', 'person_id'])
        .where('workspace_id', '=', workspaceId)
        .where(sql<boolean>`account_id = ANY(${ids}::uuid[])`)
        .execute()
    : [];
  const peopleOf = group(links.map((l) => ({ owner: l.account_id, item: l.person_id })));
  if ([...peopleOf.values()].some((people) => people.length > recordLimits.people)) throw new RecordTooLargeError('people');
  const perRecord = recordLimits.rows * accounts.length;
  const [people, events, tickets, surveys, segments, health, mrrHistories] = await Promise.all([
    needs.people ? loadPeople(scope, [...new Set(links.map((l) => l.person_id))], needs.people, now, perRecord) : [],
    loadEvents(db, workspaceId, 'account_id', ids, needs.events, perRecord),
    needs.tickets ? loadSupport(db, workspaceId, 'tickets', 'account_id', ids, perRecord) : new Map<string, SupportRecord[]>(),
    needs.surveys ? loadSupport(db, workspaceId, 'surveys', 'account_id', ids, perRecord) : new Map<string, SupportRecord[]>(),
    needs.segments ? loadSegments(scope, ids) : new Map<string, Set<string>>(),
    needs.health ? loadHealthColumns(scope, ids) : new Map<string, Record<string, unknown>>(),
    needs.mrrHistory ? Promise.all(ids.map(async (id) => [id, await readMrrHistory(scope, id)] as const)) : [],
  ]);
  const mrrHistory = new Map(mrrHistories);
  const personById = new Map(people.map((p) => [p.id, p]));
  const records = new Map<string, AccountRecord>();
  for (const account of accounts) {
    const id = account.account_id;
    const itsPeople = (peopleOf.get(id) ?? []).flatMap((p) => personById.get(p) ?? []);
    const record: AccountRecord = {
      id,
      columns: {
        group_id: account.group_id,
        created_at: account.created_at.toISOString(),
        ...Object.fromEntries(computed.map(({ name }) => [name, (account as Record<string, unknown>)[`computed:${name}`]])),
        ...health.get(id),
        ...(needs.mrrHistory ? { mrr_history: (mrrHistory.get(id) ?? []).map((p) => ({ at: p.at.getTime(), mrr: p.mrr })) } : {}),
      },
      traits: account.traits,
      people: itsPeople,
      events: events.get(id) ?? [],
      tickets: tickets.get(id) ?? [],
      surveys: surveys.get(id) ?? [],
      segments: segments.get(id) ?? new Set(),
    };
    // The same bound as one record loaded alone: its own rows of each kind, and its people's.
    const own = [record.events, record.tickets, record.surveys];
    const theirs = (['events', 'tickets', 'surveys'] as const).map((kind) => itsPeople.reduce((n, p) => n + p[kind].length, 0));
    if (own.some((rows) => rows.length > recordLimits.rows) || theirs.some((n) => n > recordLimits.rows))
      throw new RecordTooLargeError('rows');
    records.set(id, record);
  }
  return records;
}

async function loadPeople(
  scope: WorkspaceScope,
  personIds: string[],
  needs: RecordNeeds,
  now: Date,
  rowLimit: number = recordLimits.rows,
): Promise<PersonRecord[]> {
  const { db, workspaceId } = scope;
  if (personIds.length === 0) return [];
  const ids = sql<boolean>`person_id = ANY(${personIds}::uuid[])`;
  const people = await db
    .selectFrom('people')
    .select(['person_id', 'user_id', 'traits', 'first_seen_at', 'last_seen_at'])
    .where('workspace_id', '=', workspaceId)
    .where(ids)
    .execute();
  const links = !needs.accounts
    ? []
    : await db
        .selectFrom('person_accounts as pa')
        .innerJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'pa.workspace_id').onRef('a.account_id', '=', 'pa.account_id'))
        .select(['pa.person_id', 'a.group_id', 'a.traits', 'a.created_at'])
        // The accounts' computed fields (`account.health_score`), as SQL reads them at the rule's instant.
        .select(computedFieldSqls('account').map(({ name, read }) => read('a', now).as(`computed:${name}`)))
        .where('pa.workspace_id', '=', workspaceId)
        .where(sql<boolean>`pa.person_id = ANY(${personIds}::uuid[])`)
        // In joining order: a person's first account gives them its timezone (calendar windows).
        .orderBy('pa.created_at')
        .orderBy('pa.account_id')
        .execute();
  const [events, tickets, surveys, segments] = await Promise.all([
    loadEvents(db, workspaceId, 'person_id', personIds, needs.events, rowLimit),
    needs.tickets ? loadSupport(db, workspaceId, 'tickets', 'person_id', personIds, rowLimit) : new Map<string, SupportRecord[]>(),
    needs.surveys ? loadSupport(db, workspaceId, 'surveys', 'person_id', personIds, rowLimit) : new Map<string, SupportRecord[]>(),
    needs.segments ? loadSegments(scope, personIds) : new Map<string, Set<string>>(),
  ]);
  return people.map((p) => ({
    id: p.person_id,
    columns: { user_id: p.user_id, first_seen_at: p.first_seen_at.toISOString(), last_seen_at: p.last_seen_at.toISOString() },
    traits: p.traits,
    accounts: links
      .filter((l) => l.person_id === p.person_id)
      .map((l) => ({
        columns: {
          group_id: l.group_id,
          created_at: l.created_at.toISOString(),
          ...Object.fromEntries(computedFieldSqls('account').map(({ name }) => [name, (l as Record<string, unknown>)[`computed:${name}`]])),
        },
        traits: l.traits,
      })),
    events: events.get(p.person_id) ?? [],
    tickets: tickets.get(p.person_id) ?? [],
    surveys: surveys.get(p.person_id) ?? [],
    segments: segments.get(p.person_id) ?? new Set(),
  }));
}

function group<T>(rows: Array<{ owner: string | null; item: T }>): Map<string, T[]> {
  const byOwner = new Map<string, T[]>();
  for (const { owner, item } of rows) {
    if (owner === null) continue;
    let list = byOwner.get(owner);
    if (!list) byOwner.set(owner, (list = []));
    list.push(item);
  }
  return byOwner;
}

async function loadEvents(
  db: Kysely<Database>,
  workspaceId: string,
  owner: 'person_id' | 'account_id',
  ids: string[],
  names: RecordNeeds['events'],
  rowLimit: number = recordLimits.rows,
): Promise<Map<string, EventRecord[]>> {
  if (names === 'none' || ids.length === 0) return new Map();
  let query = db
    .selectFrom('events')
    .select(['person_id', 'account_id', 'message_id', 'name', 'timestamp', 'properties'])
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`${sql.ref(owner)} = ANY(${ids}::uuid[])`);
  if (names !== 'all') {
    const terms = names.map((read) =>
      sql.join(
        [
          read.name === undefined ? sql`true` : sql`name = ${read.name}`,
          ...(read.range ? [sql`timestamp >= ${read.range.from}`, sql`timestamp <= ${read.range.to}`] : []),
        ],
        sql` AND `,
      ),
    );
    query = query.where(sql<boolean>`(${sql.join(terms, sql` OR `)})`);
  }
  const rows = await query.limit(rowLimit + 1).execute();
  if (rows.length > rowLimit) throw new RecordTooLargeError('rows');
  return group(
    rows.map((r) => ({
      owner: r[owner],
      item: { messageId: r.message_id, name: r.name, at: r.timestamp.getTime(), properties: r.properties },
    })),
  );
}

async function loadSupport(
  db: Kysely<Database>,
  workspaceId: string,
  table: 'tickets' | 'surveys',
  owner: 'person_id' | 'account_id',
  ids: string[],
  rowLimit: number = recordLimits.rows,
): Promise<Map<string, SupportRecord[]>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<Record<string, unknown>>`
    SELECT * FROM ${sql.table(table)} WHERE workspace_id = ${workspaceId} AND ${sql.ref(owner)} = ANY(${ids}::uuid[])
    LIMIT ${rowLimit + 1}`.execute(db);
  if (rows.rows.length > rowLimit) throw new RecordTooLargeError('rows');
  return group(
    rows.rows.map((r) => {
      const at = (table === 'tickets' ? r['created_at'] : r['submitted_at']) as Date;
      const fields = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
      return {
        owner: r[owner] as string | null,
        item: { id: String(r[table === 'tickets' ? 'ticket_id' : 'survey_id']), at: at.getTime(), fields },
      };
    }),
  );
}

async function loadSegments(scope: WorkspaceScope, ids: string[]): Promise<Map<string, Set<string>>> {
  const byMember = new Map<string, Set<string>>();
  for (const [key, members] of await findMemberships(scope, ids))
    for (const member of members) {
      let keys = byMember.get(member);
      if (!keys) byMember.set(member, (keys = new Set()));
      keys.add(key);
    }
  return byMember;
}

/** Strata's id of the person with this userId (aliases included) or of the account with this groupId. */
export async function findProfileId(scope: WorkspaceScope, target: 'person' | 'account', externalId: string): Promise<string | undefined> {
  const { db, workspaceId } = scope;
  if (target === 'person') return findPersonByIdentity(scope, 'user_id', externalId);
  const row = await db
    .selectFrom('accounts')
    .select('account_id')
    .where('workspace_id', '=', workspaceId)
    .where('group_id', '=', externalId)
    .executeTakeFirst();
  return row?.account_id;
}

/** The person an identity (a userId, an anonymousId, an email as identified) names, if any. */
export async function findPersonByIdentity(scope: WorkspaceScope, kind: IdentityKind, value: string): Promise<string | undefined> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('identities')
    .select('person_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('value', '=', kind === 'email' ? value.toLowerCase() : value)
    .executeTakeFirst();
  return row?.person_id;
}

/** The account a person joined first: where their tickets and answers count when none is named. */
export async function findFirstAccountOf(scope: WorkspaceScope, personId: string): Promise<string | undefined> {
  const { db, workspaceId } = scope;
  const row = await db
    .selectFrom('person_accounts')
    .select('account_id')
    .where('workspace_id', '=', workspaceId)
    .where('person_id', '=', personId)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return row?.account_id;
}

/** The account whose `stripe_customer_id` trait holds this Stripe customer id. */
export async function findAccountByStripeCustomer(scope: WorkspaceScope, customerId: string): Promise<string | undefined> {
  const { db, workspaceId } = scope;
  const row = await sql<{ group_id: string }>`
    SELECT group_id FROM accounts
    WHERE workspace_id = ${workspaceId} AND traits ? 'stripe_customer_id' AND traits ->> 'stripe_customer_id' = ${customerId}
    ORDER BY created_at LIMIT 1`.execute(db);
  return row.rows[0]?.group_id;
}

/** userId of people and groupId of accounts, by Strata id. */
export async function findExternalIdsOf(
  scope: WorkspaceScope,
  ids: { personId: string | null; accountId: string | null },
): Promise<{ userId: string | null; groupId: string | null }> {
  const { db, workspaceId } = scope;
  const [person, account] = await Promise.all([
    ids.personId
      ? db
          .selectFrom('people')
          .select('user_id')
          .where('workspace_id', '=', workspaceId)
          .where('person_id', '=', ids.personId)
          .executeTakeFirst()
      : undefined,
    ids.accountId
      ? db
          .selectFrom('accounts')
          .select('group_id')
          .where('workspace_id', '=', workspaceId)
          .where('account_id', '=', ids.accountId)
          .executeTakeFirst()
      : undefined,
  ]);
  return { userId: person?.user_id ?? null, groupId: account?.group_id ?? null };
}

/** The Strata id of the account with a groupId, if any. */
export async function findAccountIdByGroupId(scope: WorkspaceScope, groupId: string): Promise<string | undefined> {
  const row = await scope.db
    .selectFrom('accounts')
    .select('account_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return row?.account_id;
}
