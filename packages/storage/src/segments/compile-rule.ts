import { sql, type Kysely, type RawBuilder } from 'kysely';
import {
  aggregates,
  calendarShifts,
  operators,
  postgresPattern,
  shiftTime,
  isoTime,
  windowKind,
  type Aggregate,
  type AggregateName,
  type CalendarUnit,
  type CalendarWindow,
  type CalendarZone,
  type Condition,
  type FieldRef,
  type FieldType,
  type OperandValue,
  type OperatorName,
  type RollingWindow,
  type RowSourceName,
  type SegmentRule,
  type SourceName,
  type Target,
  type TimeUnit,
  type Window,
  type WindowKind,
} from '@strata/core';
import type { Database } from '../schema.js';
import { computedFieldSql } from './computed-field-sql.js';
import { summariesCover, summaryHasEvent, summaryValue, windowBounds, type WindowBounds } from './event-summary-sql.js';
import { withJsonContainment } from './json-containment-sql.js';

type Bool = RawBuilder<boolean>;
type Expr = RawBuilder<unknown>;

/**
 * Everything a compiled rule depends on besides the IR: the tenant and the instant it is evaluated
 * at. The workspace's timezone (calendar windows) is read by the SQL itself from the workspace.
 */
export interface CompileContext {
  workspaceId: string;
  now: Date;
  /**
   * Evaluate only these profiles (live evaluation) or this id range (a backfill chunk). Every
   * subquery is restricted to them too, so the work is proportional to them, not to the workspace.
   */
  scope?: MemberScope;
  /**
   * Read the scoped people's own events of one name from a relation of the statement's instead of
   * `events` (live evaluation loads a batch's events of each name once, for all its segments: see
   * `batchEventsSql`), noting each read in `eventRows` so that the relations hold exactly what the
   * reads need. Only a person rule's reads of its own profile's events use them; an account rule's
   * people and events are not in a batch of people.
   */
  eventRows?: BatchEventReads;
  /**
   * A relation of the statement's holding at least the scoped people's rows, read instead of
   * `people` for a person rule's own profile: live evaluation loads a batch's people once for all
   * its rules (see `batchPeopleSql`).
   */
  peopleRelation?: string;
}

/** The raw-event reads of a statement's rules, by event name: how often, and from when (undefined: all time). */
export type BatchEventReads = Map<string, { relation: string; reads: number; earliestMs: number | undefined }>;

export type MemberScope = { ids: readonly string[] } | { after: string | null; upTo: string };

/** The profile a condition is about, by table alias, and the ids it may be. */
interface Profile {
  target: Target;
  alias: string;
  /** Its id, when another row has it too (an account's person: their link's `person_id`); else the alias's id column. */
  id?: Expr;
  scope?: (id: Expr) => Bool;
  /** The rule's own profile (not an account's people). */
  top?: true;
}

/** @internal shared with compile-ticket-rule.ts: the context and the count of aliases given out. */
export interface State extends CompileContext {
  aliases: number;
}

/** The profile a value belongs to, by id expression: whose timezone `in customer timezone` reads. */
export interface Owner {
  target: Target;
  id: Expr;
}

/**
 * Compiles a rule to a SQL condition over `people` (alias `p`) or `accounts` (alias `a`).
 * Every user value is a bound parameter; every subquery is scoped to the workspace.
 * NULL never leaks out of a predicate: a missing value makes it false (see CONTEXT.md).
 */
export function compileCondition(rule: SegmentRule, context: CompileContext): Bool {
  const state: State = { ...context, aliases: 0 };
  return condition(rule.condition, topProfile(rule.target, context.scope), state);
}

function topProfile(target: Target, scope: MemberScope | undefined): Profile {
  const alias = target === 'person' ? 'p' : 'a';
  return scope ? { target, alias, scope: scopeTest(scope), top: true } : { target, alias, top: true };
}

function scopeTest(scope: MemberScope): (id: Expr) => Bool {
  if ('ids' in scope) return (id) => sql<boolean>`${id} = ANY(${scope.ids}::uuid[])`;
  return (id) =>
    scope.after === null
      ? sql<boolean>`${id} <= ${scope.upTo}::uuid`
      : sql<boolean>`(${id} > ${scope.after}::uuid AND ${id} <= ${scope.upTo}::uuid)`;
}

/** `AND <id in scope>` when the profile is scoped, else nothing. */
function scoped(profile: Profile, id: Expr): Expr {
  return profile.scope ? sql` AND ${profile.scope(id)}` : sql``;
}

/** The people of an account rule's rollups: only those of the accounts in scope. */
function personProfileWithin(account: Profile, alias: string, state: State): Profile {
  // The link's person_id: a condition that reads nothing else of the person (an event, a
  // segment) then leaves `people` unread, and PostgreSQL drops its join (see `peopleRows`).
  const id = sql.ref(`${linkOf(alias)}.person_id`);
  if (!account.scope) return { target: 'person', alias, id };
  const outer = account.scope;
  return {
    target: 'person',
    alias,
    id,
    // An array computed once (an init plan), so that each subquery probes its index by these
    // people rather than scanning all its rows and joining them to the accounts' people.
    scope: (id) =>
      sql<boolean>`${id} = ANY(ARRAY(SELECT sl.person_id FROM person_accounts sl WHERE sl.workspace_id = ${state.workspaceId} AND ${outer(sql.ref('sl.account_id'))}))`,
  };
}

/** The members of a rule now: `{ id, externalId }` with the person's userId or the account's groupId. */
export function selectRuleMembers(db: Kysely<Database>, rule: SegmentRule, context: CompileContext) {
  const where = compileCondition(rule, context);
  const inScope = context.scope ? scopeTest(context.scope) : undefined;
  const fromPeople = () => db.selectFrom('people as p');
  // The batch's relation has the columns of `people` (see `batchPeopleSql`): one builder type for both.
  const from = context.peopleRelation
    ? () => db.selectFrom(sql`${sql.table(context.peopleRelation!)}`.as('p')) as unknown as ReturnType<typeof fromPeople>
    : fromPeople;
  const people = () =>
    from()
      .select([sql<string>`p.person_id`.as('id'), sql<string | null>`p.user_id`.as('externalId')])
      .where('p.workspace_id', '=', context.workspaceId)
      .$if(inScope !== undefined, (q) => q.where(inScope!(sql.ref('p.person_id'))))
      .where(where);
  if (rule.target === 'person') return people();
  // Both builders select the same row shape; one type lets callers page and count either alike.
  return db
    .selectFrom('accounts as a')
    .select([sql<string>`a.account_id`.as('id'), sql<string | null>`a.group_id`.as('externalId')])
    .where('a.workspace_id', '=', context.workspaceId)
    .$if(inScope !== undefined, (q) => q.where(inScope!(sql.ref('a.account_id'))))
    .where(where) as unknown as ReturnType<typeof people>;
}

function condition(node: Condition, profile: Profile, state: State): Bool {
  switch (node.kind) {
    case 'and':
      return sql<boolean>`(${sql.join(
        node.conditions.map((c) => condition(c, profile, state)),
        sql` AND `,
      )})`;
    case 'or':
      return sql<boolean>`(${sql.join(
        node.conditions.map((c) => condition(c, profile, state)),
        sql` OR `,
      )})`;
    case 'not':
      return sql<boolean>`(NOT ${condition(node.condition, profile, state)})`;
    case 'in-segment':
      return memberOf(
        profile,
        sql`SELECT m.member_id FROM segment_members m WHERE m.workspace_id = ${state.workspaceId} AND m.segment_key = ${node.key}${scoped(profile, sql.ref('m.member_id'))}`,
      );
    case 'did': {
      const summary = summaryRows(node.event, node.where, node.window, profile, state);
      if (summary) {
        const filter = summary.bounds ? sql` AND ${summaryHasEvent(summary.alias, summary.bounds)}` : sql``;
        return memberOf(profile, sql`SELECT ${summary.owner} FROM ${summary.from}${filter}`);
      }
      const e = alias(state, 'e');
      const events = sourceSql.events;
      const { from, owner } = ownedRows(events, profile, e, state, { event: node.event, window: node.window });
      const row = { source: events, alias: e, owner: { target: profile.target, id: owner } };
      const filters = [
        sql<boolean>`${sql.ref(`${e}.${events.nameColumn!}`)} = ${node.event}`,
        ...windowFilter(sql.ref(`${e}.${events.timeColumn}`), node.window, state, row.owner),
      ];
      if (node.where) filters.push(rowCondition(node.where, row, state));
      return memberOf(profile, sql`SELECT ${owner} FROM ${from} AND ${sql.join(filters, sql` AND `)}`);
    }
    case 'quantified': {
      const person = alias(state, 'q');
      const { from, owner } = peopleRows(person, profile, state);
      const inner = condition(node.where, personProfileWithin(profile, person, state), state);
      if (node.quantifier === 'any') return memberOf(profile, sql`SELECT ${owner} FROM ${from} AND ${inner}`);
      if (node.quantifier === 'none') return sql<boolean>`(NOT ${memberOf(profile, sql`SELECT ${owner} FROM ${from} AND ${inner}`)})`;
      const other = alias(state, 'q');
      const everyone = peopleRows(other, profile, state);
      return sql<boolean>`(${memberOf(profile, sql`SELECT ${everyone.owner} FROM ${everyone.from}`)} AND NOT ${memberOf(profile, sql`SELECT ${owner} FROM ${from} AND NOT ${inner}`)})`;
    }
    case 'predicate': {
      const subject = node.subject;
      if (subject.kind === 'field' && subject.scope === 'person-account' && profile.target === 'person') {
        const link = alias(state, 'pa');
        const account = alias(state, 'pacc');
        const value = fieldValue(subject, account, state.now);
        return memberOf(
          profile,
          sql`SELECT ${sql.ref(`${link}.person_id`)} FROM person_accounts ${sql.id(link)}
          JOIN accounts ${sql.id(account)} ON ${sql.ref(`${account}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${account}.account_id`)} = ${sql.ref(`${link}.account_id`)}
          WHERE ${sql.ref(`${link}.workspace_id`)} = ${state.workspaceId}${scoped(profile, sql.ref(`${link}.person_id`))} AND ${predicate(node.operator, value, subject.type, node.operands, state, { target: 'person', id: sql.ref(`${link}.person_id`) })}`,
        );
      }
      if (subject.kind === 'field' && isOwnDateTrait(subject, profile)) return dateTraitPredicate(node, subject, profile, state);
      if (subject.kind === 'field') {
        const exact = predicate(node.operator, fieldValue(subject, profile.alias, state.now), subject.type, node.operands, state, {
          target: profile.target,
          id: idOf(profile),
        });
        const traits = isOwnTrait(subject, profile) ? sql.ref(`${profile.alias}.traits`) : undefined;
        return (traits && withJsonContainment(traits, subject.name, subject.type, node.operator, node.operands, exact)) ?? exact;
      }
      return aggregatePredicate(node, subject, profile, state);
    }
  }
}

/** A trait of the profile itself, read out of its `traits` JSON (not a column, not computed). */
function isOwnTrait(field: FieldRef, profile: Profile): boolean {
  return !field.column && !field.computed && field.scope === profile.target;
}

/** A date trait of the profile itself: read from `trait_instants`, not parsed out of JSON row by row. */
function isOwnDateTrait(field: FieldRef, profile: Profile): boolean {
  return field.type === 'datetime' && isOwnTrait(field, profile);
}

/**
 * A predicate on a date trait through its index of instants (kept by triggers, migration 0003):
 * `trait_instants` holds exactly the values `strata_timestamptz` reads, so this decides the same,
 * by an index range instead of parsing every profile's JSON.
 */
function dateTraitPredicate(node: Extract<Condition, { kind: 'predicate' }>, field: FieldRef, profile: Profile, state: State): Bool {
  const t = alias(state, 'ti');
  const rows = sql`SELECT ${sql.ref(`${t}.profile_id`)} FROM trait_instants ${sql.id(t)}
    WHERE ${sql.ref(`${t}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${t}.target`)} = ${profile.target}
      AND ${sql.ref(`${t}.name`)} = ${field.name}${scoped(profile, sql.ref(`${t}.profile_id`))}`;
  if (node.operator === 'is-not-set') return sql<boolean>`(NOT ${memberOf(profile, rows)})`;
  const owner = { target: profile.target, id: sql.ref(`${t}.profile_id`) };
  const at = sql.ref(`${t}.at`);
  // `at` is NOT NULL and these operators compare it with literal instants, so they are never NULL:
  // written bare, not in `predicate`'s coalesce, they are a range of the (name, at) index.
  const test = instantOperators.has(node.operator)
    ? sql<boolean>`${operatorSql[node.operator as InstantOperator](
        at,
        node.operands.map((o) => param(o, 'datetime')),
        node.operands,
        state,
        owner,
      )}`
    : predicate(node.operator, at, 'datetime', node.operands, state, owner);
  return memberOf(profile, sql`${rows} AND ${test}`);
}

type InstantOperator =
  | 'eq'
  | 'neq'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'between'
  | 'before'
  | 'after'
  | 'within-last'
  | 'within-next'
  | 'more-than-ago'
  | 'between-ago';
/** Operators whose SQL on a non-NULL instant is never NULL: their operands are literal instants or durations. */
const instantOperators: ReadonlySet<OperatorName> = new Set<InstantOperator>([
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'between',
  'before',
  'after',
  'within-last',
  'within-next',
  'more-than-ago',
  'between-ago',
]);

/**
 * `id IN (subquery)`. Subqueries never refer to the outer row, so PostgreSQL runs each once and
 * probes a hash of its result, instead of once per person (which on a partitioned events table
 * means a probe of every partition per person).
 */
function memberOf(profile: Profile, ids: Expr): Bool {
  return sql<boolean>`(${idOf(profile)} IN (${ids}))`;
}

/**
 * A predicate on an aggregate, set-based: the rows are grouped by their owner once. Owners with no
 * rows never appear in the grouped result, so when the predicate holds for the empty aggregate
 * (`count(…) < 5` holds at 0) the members are everyone except the owners for whom it fails.
 */
function aggregatePredicate(node: Extract<Condition, { kind: 'predicate' }>, value: Aggregate, profile: Profile, state: State): Bool {
  const summarised = summaryPredicate(node, value, profile, state);
  if (summarised) return summarised;
  const rows = groupedRows(value, profile, state);
  const test = predicate(node.operator, rows.aggregate, value.type, node.operands, state, { target: profile.target, id: rows.owner });
  if (!holdsForEmpty(node, value))
    return memberOf(profile, sql`SELECT ${rows.owner} FROM ${rows.from} GROUP BY ${rows.owner} HAVING ${test}`);
  return sql<boolean>`(NOT ${memberOf(profile, sql`SELECT ${rows.owner} FROM ${rows.from} GROUP BY ${rows.owner} HAVING NOT ${test}`)})`;
}

/**
 * `count`, `first` or `last` of a person's events of one name, with no `where` and no field, from
 * the event summaries: one row per person (no grouping), whose value in the window decides. A
 * person with no row has the empty aggregate, as in `aggregatePredicate`.
 */
function summaryPredicate(
  node: Extract<Condition, { kind: 'predicate' }>,
  value: Aggregate,
  profile: Profile,
  state: State,
): Bool | undefined {
  const { source } = value;
  if (source.from !== 'events' || source.field || (value.fn !== 'count' && value.fn !== 'first' && value.fn !== 'last')) return undefined;
  const rows = summaryRows(source.event, source.where, source.window, profile, state);
  if (!rows) return undefined;
  const aggregate = summaryValue(value.fn, rows.alias, rows.bounds);
  const test = predicate(node.operator, aggregate, value.type, node.operands, state, { target: 'person', id: rows.owner });
  if (!holdsForEmpty(node, value)) return memberOf(profile, sql`SELECT ${rows.owner} FROM ${rows.from} AND ${test}`);
  return sql<boolean>`(NOT ${memberOf(profile, sql`SELECT ${rows.owner} FROM ${rows.from} AND NOT ${test}`)})`;
}

/**
 * The event summaries of a person's events named `event` (`FROM … WHERE …`, ready for `AND`s),
 * when they answer exactly: a person, one event name, no `where`, and a window inside the
 * summaries' horizon. Undefined when the events must be read.
 */
function summaryRows(
  event: string | undefined,
  where: Condition | undefined,
  window: Window | undefined,
  profile: Profile,
  state: State,
): { from: Expr; owner: Expr; alias: string; bounds: WindowBounds | undefined } | undefined {
  if (profile.target !== 'person' || event === undefined || where) return undefined;
  const s = alias(state, 'es');
  const owner = sql.ref(`${s}.person_id`);
  const nowMs = state.now.getTime();
  const bounds = window ? windowBounds(window, nowMs, (w) => calendarBounds(w, state, { target: 'person', id: owner })) : undefined;
  if (!summariesCover(bounds, nowMs)) return undefined;
  const from = sql`event_summaries ${sql.id(s)} WHERE ${sql.ref(`${s}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${s}.name`)} = ${event}${scoped(profile, owner)}`;
  return { from, owner, alias: s, bounds };
}

/** A row of a source being filtered: its SQL, its alias, and the profile that owns it. */
interface RowRef {
  source: RowSql;
  alias: string;
  owner: Owner;
}

/** A condition over the rows of a source (`where`), whose fields are the row's own. */
function rowCondition(node: Condition, row: RowRef, state: State): Bool {
  switch (node.kind) {
    case 'and':
      return sql<boolean>`(${sql.join(
        node.conditions.map((c) => rowCondition(c, row, state)),
        sql` AND `,
      )})`;
    case 'or':
      return sql<boolean>`(${sql.join(
        node.conditions.map((c) => rowCondition(c, row, state)),
        sql` OR `,
      )})`;
    case 'not':
      return sql<boolean>`(NOT ${rowCondition(node.condition, row, state)})`;
    case 'predicate': {
      const field = node.subject;
      if (field.kind !== 'field') throw new Error('invariant: row conditions compare fields');
      const exact = predicate(node.operator, row.source.field(row.alias, field), field.type, node.operands, state, row.owner);
      const object = row.source.jsonObject?.(row.alias, field);
      return (object && withJsonContainment(object, field.name, field.type, node.operator, node.operands, exact)) ?? exact;
    }
    case 'did':
    case 'in-segment':
    case 'quantified':
      throw new Error(`invariant: ${node.kind} inside a row condition`);
  }
}

function idOf(profile: Profile): Expr {
  return profile.id ?? sql.ref(`${profile.alias}.${profile.target === 'person' ? 'person_id' : 'account_id'}`);
}

/** @internal shared with compile-ticket-rule.ts */
export function alias(state: State, prefix: string): string {
  state.aliases++;
  return `${prefix}${state.aliases}`;
}

/** The typed value of a profile field: a column, or a trait read as the field's type (NULL otherwise). @internal shared with compile-ticket-rule.ts */
export function fieldValue(field: FieldRef, tableAlias: string, now: Date): Expr {
  if (field.column) return sql.ref(`${tableAlias}.${field.column}`);
  if (field.computed) {
    // An unregistered computed field is missing, as the evaluator reads it.
    // `account.health_score` from a person reads the account row joined as `tableAlias`.
    const read = computedFieldSql(field.scope === 'person-account' ? 'account' : (field.scope as Target), field.name);
    return read ? read(tableAlias, now) : sql`NULL`;
  }
  return typedKey(sql.ref(`${tableAlias}.traits`), field.name, field.type);
}

const jsonReaders: Record<FieldType, string> = {
  string: 'strata_text',
  number: 'strata_number',
  boolean: 'strata_boolean',
  datetime: 'strata_timestamptz',
  array: 'strata_array',
  object: 'strata_object',
};

/**
 * The value under `key` of a JSON object as `typedJson` reads it. A string is read with `->>`,
 * which gives a JSON string's text as `#>> '{}'` does but without copying the value out first:
 * the same answer, about a fifth less CPU on a scan of people's traits (docs/benchmarks.md).
 */
function typedKey(object: Expr, key: string, type: FieldType): Expr {
  if (type !== 'string') return typedJson(sql`${object} -> ${key}`, type);
  return sql`(CASE WHEN jsonb_typeof(${object} -> ${key}) = 'string' THEN ${object} ->> ${key} END)`;
}

function typedJson(json: Expr, type: FieldType): Expr {
  return sql`${sql.raw(jsonReaders[type])}(${json})`;
}

/** The SQL of each kind of window on a row's time; keyed so that a new kind fails to compile until it has SQL. */
const windowSql: Record<WindowKind, (column: Expr, window: Window, state: State, owner: Owner) => Bool[]> = {
  rolling: (column, w, state) => {
    const window = w as RollingWindow;
    const now = state.now.getTime();
    if (window.direction === 'last')
      return [sql<boolean>`${column} >= ${at(shiftTime(now, window.amount, window.unit, -1))}`, sql<boolean>`${column} <= ${at(now)}`];
    return [sql<boolean>`${column} >= ${at(now)}`, sql<boolean>`${column} <= ${at(shiftTime(now, window.amount, window.unit, 1))}`];
  },
  calendar: (column, w, state, owner) => {
    const [start, end] = calendarBounds(w as CalendarWindow, state, owner);
    return [sql<boolean>`${column} >= ${start}`, sql<boolean>`${column} < ${end}`];
  },
};

function windowFilter(column: Expr, window: Window | undefined, state: State, owner: Owner): Bool[] {
  return window ? windowSql[windowKind(window)](column, window, state, owner) : [];
}

const calendarUnitSql: Record<CalendarUnit, string> = { weeks: 'week', months: 'month', quarters: 'quarter', years: 'year' };
/** The timezone functions of migration 0008, by whose timezone a calendar window reads. */
const zoneSql: Record<CalendarZone, (owner: Owner, state: State) => Expr> = {
  workspace: (_owner, state) => sql`strata_workspace_timezone(${state.workspaceId}::uuid)`,
  customer: (owner, state) =>
    owner.target === 'person'
      ? sql`strata_person_timezone(${state.workspaceId}::uuid, ${owner.id})`
      : sql`strata_account_timezone(${state.workspaceId}::uuid, ${owner.id})`,
};

/**
 * `[start, end)` of a calendar window, computed by PostgreSQL in the zone (the owner's own for
 * `in customer timezone`), as `calendarBounds` computes it in memory.
 */
function calendarBounds(window: CalendarWindow, state: State, owner: Owner): [Expr, Expr] {
  const [from, to] = calendarShifts(window);
  const zone = zoneSql[window.zone](owner, state);
  const unit = calendarUnitSql[window.unit];
  const start = (shift: number) => sql`strata_calendar_start(${at(state.now.getTime())}, ${unit}, ${shift}::int, ${zone})`;
  return [start(from), start(to)];
}

/** An instant as a bound parameter. */
function at(ms: number): Expr {
  return sql`${new Date(ms).toISOString()}::timestamptz`;
}

/**
 * `FROM <table> r WHERE <in the workspace, with an owner>`, ready for more `AND`s. `read` says
 * which events a read of `events` takes (its name and window), for the batch's events relation.
 */
function ownedRows(
  source: RowSql,
  profile: Profile,
  r: string,
  state: State,
  read?: { event: string | undefined; window: Window | undefined },
): { from: Expr; owner: Expr } {
  const owner = sql.ref(`${r}.${profile.target === 'person' ? 'person_id' : 'account_id'}`);
  return {
    from: sql`${sql.id(rowRelation(source, profile, state, read))} ${sql.id(r)} WHERE ${sql.ref(`${r}.workspace_id`)} = ${state.workspaceId} AND ${owner} IS NOT NULL${scoped(profile, owner)}`,
    owner,
  };
}

/**
 * `FROM person_accounts LEFT JOIN people <person> WHERE <in the workspace>`, owned by the account.
 * Every link has its person (a foreign key), so the LEFT JOIN is the inner join; and being one,
 * on the person's primary key, PostgreSQL removes it when nothing of the person's row is read.
 */
function peopleRows(person: string, account: Profile, state: State): { from: Expr; owner: Expr } {
  const link = linkOf(person);
  const owner = sql.ref(`${link}.account_id`);
  return {
    from: sql`person_accounts ${sql.id(link)}
    LEFT JOIN people ${sql.id(person)} ON ${sql.ref(`${person}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${person}.person_id`)} = ${sql.ref(`${link}.person_id`)}
    WHERE ${sql.ref(`${link}.workspace_id`)} = ${state.workspaceId}${scoped(account, owner)}`,
    owner,
  };
}

const linkOf = (person: string) => `${person}_link`;

/** Where a read of `source`'s rows comes from: the statement's relation of a person rule's own events of one name, noted there. */
function rowRelation(
  source: RowSql,
  profile: Profile,
  state: State,
  read: { event: string | undefined; window: Window | undefined } | undefined,
): string {
  const batch = state.eventRows;
  const event = read?.event;
  if (!batch || event === undefined || source.table !== 'events' || profile.target !== 'person' || !profile.top) return source.table;
  // The earliest instant the window can reach, as the summaries' `windowBounds` reckons it
  // (calendar windows conservatively, for any zone); the SQL still applies the exact window.
  const earliestMs = read?.window ? windowBounds(read.window, state.now.getTime(), () => [sql``, sql``]).earliestMs : undefined;
  const seen = batch.get(event);
  if (!seen) {
    batch.set(event, { relation: `batch_events_${batch.size}`, reads: 1, earliestMs });
    return `batch_events_${batch.size - 1}`;
  }
  seen.reads += 1;
  seen.earliestMs = seen.earliestMs === undefined || earliestMs === undefined ? undefined : Math.min(seen.earliestMs, earliestMs);
  return seen.relation;
}

/**
 * A `peopleRelation`: these people's rows, `MATERIALIZED` so that PostgreSQL reads them once for
 * every rule of the statement (each rule's scan of `people` by 1,000 ids cost 3-30 ms, on pages
 * that ingestion keeps changing, at size s).
 */
export function batchPeopleSql(relation: string, workspaceId: string, personIds: readonly string[]): Expr {
  return sql`${sql.id(relation)} AS MATERIALIZED (SELECT * FROM people WHERE workspace_id = ${workspaceId} AND person_id = ANY(${personIds}::uuid[]))`;
}

/**
 * The `WITH` list of `eventRows`' relations: each name's events of the people, from the earliest
 * instant a read needs. One read by several rules is `MATERIALIZED`, so that PostgreSQL takes
 * the rows from `events` once; one read by a single rule is inlined into it, as if it read `events`.
 */
export function batchEventsSql(workspaceId: string, personIds: readonly string[], reads: BatchEventReads): Expr {
  return sql.join(
    [...reads].map(
      ([event, { relation, reads: count, earliestMs }]) =>
        sql`${sql.id(relation)} AS ${count > 1 ? sql`MATERIALIZED` : sql`NOT MATERIALIZED`} (SELECT * FROM events WHERE workspace_id = ${workspaceId} AND person_id = ANY(${personIds}::uuid[]) AND name = ${event}${
          earliestMs === undefined ? sql`` : sql` AND timestamp >= ${at(earliestMs)}`
        })`,
    ),
    sql`, `,
  );
}

/** The rows of an aggregate's source, to be grouped by owner, and the aggregate over one group. */
function groupedRows(value: Aggregate, profile: Profile, state: State): { from: Expr; owner: Expr; aggregate: Expr } {
  const { source } = value;
  const spec = sourceSql[source.from];
  if (spec.kind === 'people') {
    const person = alias(state, 'r');
    const { from, owner } = peopleRows(person, profile, state);
    const matching = source.where ? condition(source.where, personProfileWithin(profile, person, state), state) : sql<boolean>`true`;
    return { from, owner, aggregate: aggregateSql[value.fn]({ value: undefined, time: undefined, id: undefined, matching }) };
  }
  const r = alias(state, 's');
  const owned = ownedRows(spec, profile, r, state, { event: source.event, window: source.window });
  const row: RowRef = { source: spec, alias: r, owner: { target: profile.target, id: owned.owner } };
  const time = sql.ref(`${r}.${spec.timeColumn}`);
  const id = sql.ref(`${r}.${spec.idColumn}`);
  const filters: Bool[] = [...windowFilter(time, source.window, state, row.owner)];
  if (spec.nameColumn && source.event !== undefined) filters.push(sql<boolean>`${sql.ref(`${r}.${spec.nameColumn}`)} = ${source.event}`);
  if (source.where) filters.push(rowCondition(source.where, row, state));
  const from = filters.length > 0 ? sql`${owned.from} AND ${sql.join(filters, sql` AND `)}` : owned.from;
  const v = source.field ? spec.field(r, source.field) : undefined;
  return { from, owner: owned.owner, aggregate: aggregateSql[value.fn]({ value: v, time, id, matching: undefined }) };
}

/** What an aggregate's SQL reads of one group: the field, the row time and id (rows of records), or which people match (people). */
interface AggregateParts {
  value: Expr | undefined;
  time: Expr | undefined;
  id: Expr | undefined;
  matching: Bool | undefined;
}

const invariant = (message: string): never => {
  throw new Error(`invariant: ${message}`);
};
const ordered = (fn: 'first' | 'last') => (p: AggregateParts) => {
  const direction = sql.raw(fn === 'first' ? 'ASC' : 'DESC');
  const time = p.time ?? invariant(`${fn} reads rows with a time`);
  if (!p.value) return sql`${sql.raw(fn === 'first' ? 'min' : 'max')}(${time})`;
  // The field of the earliest or latest row, ties broken by id; NULL when that row lacks it.
  return sql`(array_agg(${p.value} ORDER BY ${time} ${direction}, ${p.id!} ${direction}))[1]`;
};
const fieldOf = (p: AggregateParts, fn: string) => p.value ?? invariant(`${fn} reads a field`);

/** SQL of every aggregate over one owner's group, keyed by the registry's names so that a new aggregate fails to compile here. */
const aggregateSql: Record<AggregateName, (parts: AggregateParts) => Expr> = {
  count: (p) => (p.matching ? sql`count(*) FILTER (WHERE ${p.matching})` : sql`count(*)`),
  distinct: (p) => sql`count(DISTINCT ${fieldOf(p, 'distinct')})`,
  days: (p) => sql`count(DISTINCT (${p.time ?? invariant('days reads rows with a time')} AT TIME ZONE 'UTC')::date)`,
  sum: (p) => sql`coalesce(sum(${fieldOf(p, 'sum')}), 0)`,
  avg: (p) => sql`avg(${fieldOf(p, 'avg')})`,
  min: (p) => sql`min(${fieldOf(p, 'min')})`,
  max: (p) => sql`max(${fieldOf(p, 'max')})`,
  first: ordered('first'),
  last: ordered('last'),
  share: (p) => sql`(count(*) FILTER (WHERE ${p.matching ?? sql<boolean>`true`}))::numeric / count(*)`,
};

/** Does the predicate hold for a profile with no rows at all (the aggregate's empty value, from the registry)? */
function holdsForEmpty(node: Extract<Condition, { kind: 'predicate' }>, value: Aggregate): boolean {
  const empty = aggregates[value.fn].empty;
  if (node.operator === 'is-not-set') return empty === undefined;
  if (empty === undefined) return false;
  return operators[node.operator].evaluate(empty, node.operands, 0, { workspace: 'UTC', customer: 'UTC' });
}

/** A predicate on a typed value; NULL (missing) makes it false, except for `is not set`. @internal shared with compile-ticket-rule.ts */
export function predicate(
  operator: OperatorName,
  value: Expr,
  type: FieldType,
  operands: readonly OperandValue[],
  state: State,
  owner: Owner,
): Bool {
  if (operator === 'is-not-set') return sql<boolean>`(${value} IS NULL)`;
  return sql<boolean>`coalesce(${operatorSql[operator](
    value,
    operands.map((o) => param(o, type)),
    operands,
    state,
    owner,
  )}, false)`;
}

/** A literal operand as a parameter of the subject's SQL type. */
function param(operand: OperandValue, type: FieldType): Expr {
  if (Array.isArray(operand)) return sql`${operand}`;
  if (typeof operand === 'object') return sql`${operand.amount}`; // durations and calendar windows are read by their operator
  if (type === 'datetime' && typeof operand === 'string') return at(isoTime(operand)!);
  if (type === 'number') return sql`${operand}::numeric`;
  return sql`${operand}`;
}

type OperatorSql = (value: Expr, params: Expr[], operands: readonly OperandValue[], state: State, owner: Owner) => Expr;

const duration = (operand: OperandValue | undefined) => operand as { amount: number; unit: TimeUnit };
const ago = (operand: OperandValue | undefined, state: State) =>
  at(shiftTime(state.now.getTime(), duration(operand).amount, duration(operand).unit, -1));
const fold = (value: Expr) => sql`translate(${value}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

/** SQL of every operator, keyed by the registry's names so that a new operator fails to compile here. */
const operatorSql: Record<Exclude<OperatorName, 'is-not-set'>, OperatorSql> = {
  eq: (v, [p]) => sql`${v} = ${p!}`,
  neq: (v, [p]) => sql`${v} <> ${p!}`,
  lt: (v, [p]) => sql`${v} < ${p!}`,
  lte: (v, [p]) => sql`${v} <= ${p!}`,
  gt: (v, [p]) => sql`${v} > ${p!}`,
  gte: (v, [p]) => sql`${v} >= ${p!}`,
  between: (v, [a, b]) => sql`${v} BETWEEN ${a!} AND ${b!}`,
  in: (v, _p, [list]) => listMembership(v, list),
  'not-in': (v, _p, [list]) => sql`NOT ${listMembership(v, list)}`,
  contains: (v, [p]) => sql`strpos(${v}, ${p!}) > 0`,
  'contains-ignoring-case': (v, [p]) => sql`strpos(${fold(v)}, ${fold(p!)}) > 0`,
  'starts-with': (v, [p]) => sql`left(${v}, length(${p!})) = ${p!}`,
  'starts-with-ignoring-case': (v, [p]) => sql`left(${fold(v)}, length(${p!})) = ${fold(p!)}`,
  'ends-with': (v, [p]) => sql`right(${v}, length(${p!})) = ${p!}`,
  'ends-with-ignoring-case': (v, [p]) => sql`right(${fold(v)}, length(${p!})) = ${fold(p!)}`,
  // The dialect's explicit PostgreSQL form (core's pattern.ts), so SQL decides exactly as the
  // evaluator does; a stored pattern outside the dialect matches nothing on both sides.
  matches: (v, _p, [pattern]) => {
    const written = typeof pattern === 'string' ? postgresPattern(pattern) : undefined;
    return written === undefined ? sql`false` : sql`${v} ~ ${written}`;
  },
  'is-set': (v) => sql`${v} IS NOT NULL`,
  before: (v, [p]) => sql`${v} < ${p!}`,
  after: (v, [p]) => sql`${v} > ${p!}`,
  'within-last': (v, _p, [d], state) => sql`${v} >= ${ago(d, state)} AND ${v} <= ${at(state.now.getTime())}`,
  'within-next': (v, _p, [d], state) =>
    sql`${v} >= ${at(state.now.getTime())} AND ${v} <= ${at(shiftTime(state.now.getTime(), duration(d).amount, duration(d).unit, 1))}`,
  'more-than-ago': (v, _p, [d], state) => sql`${v} < ${ago(d, state)}`,
  'between-ago': (v, _p, [near, far], state) => sql`${v} <= ${ago(near, state)} AND ${v} >= ${ago(far, state)}`,
  'within-calendar': (v, _p, [window], state, owner) => {
    const [start, end] = calendarBounds(window as CalendarWindow, state, owner);
    return sql`${v} >= ${start} AND ${v} < ${end}`;
  },
};

function listMembership(value: Expr, list: OperandValue | undefined): Expr {
  const items = list as Array<string | number>;
  // Typed arrays so that numbers compare as numbers and strings as text.
  return typeof items[0] === 'number' ? sql`${value} = ANY(${items}::numeric[])` : sql`${value} = ANY(${items}::text[])`;
}

/** How the rows of a source of records are read: a table with a time and an id (an account's people are `peopleRows`). */
type RowSql = {
  kind: 'rows';
  table: RowSourceName;
  timeColumn: string;
  idColumn: string;
  /** The column `events "NAME"` compares. */
  nameColumn?: string;
  /** A field of the row, typed as the field (NULL when missing or of another type). */
  field(alias: string, field: FieldRef): Expr;
  /** The JSON object holding the field under its name, when it is one key of such an object. */
  jsonObject?(alias: string, field: FieldRef): Expr | undefined;
};

/** SQL of every source, keyed by the registry's names so that a new source fails to compile here. */
const sourceSql: { [K in SourceName]: K extends 'people' ? { kind: 'people' } : RowSql } = {
  events: {
    kind: 'rows',
    table: 'events',
    timeColumn: 'timestamp',
    idColumn: 'message_id',
    nameColumn: 'name',
    field: (alias, field) =>
      field.scope === 'event-context'
        ? // A path into the context, as `rowValue` walks it in memory.
          typedJson(sql`${sql.ref(`${alias}.context`)} #> ${field.name.split('.')}::text[]`, field.type)
        : typedKey(sql.ref(`${alias}.properties`), field.name, field.type),
    jsonObject: (alias, field) => (field.scope === 'event' ? sql.ref(`${alias}.properties`) : undefined),
  },
  // Ticket and survey fields are columns of their own tables (see field-schema in core).
  tickets: {
    kind: 'rows',
    table: 'tickets',
    timeColumn: 'created_at',
    idColumn: 'ticket_id',
    field: (alias, field) => sql.ref(`${alias}.${field.name}`),
  },
  surveys: {
    kind: 'rows',
    table: 'surveys',
    timeColumn: 'submitted_at',
    idColumn: 'survey_id',
    field: (alias, field) => sql.ref(`${alias}.${field.name}`),
  },
  people: { kind: 'people' },
};

/** The time column of a source's rows, for the sweep's index lookups. */
export const rowTimeColumn = (table: RowSourceName): string => sourceSql[table].timeColumn;
