import { sql, type Kysely, type RawBuilder } from 'kysely';
import {
  shiftTime,
  isoTime,
  type Aggregate,
  type Condition,
  type FieldRef,
  type FieldType,
  type OperandValue,
  type OperatorName,
  type SegmentRule,
  type Source,
  type Target,
  type TimeUnit,
  type Window,
} from '@strata/core';
import type { Database } from '../schema.js';

type Bool = RawBuilder<boolean>;
type Expr = RawBuilder<unknown>;

/** Everything a compiled rule depends on besides the IR: the tenant and the instant it is evaluated at. */
export interface CompileContext {
  workspaceId: string;
  now: Date;
}

/** The profile a condition is about, by table alias. */
interface Profile {
  target: Target;
  alias: string;
}

interface State extends CompileContext {
  aliases: number;
}

/**
 * Compiles a rule to a SQL condition over `people` (alias `p`) or `accounts` (alias `a`).
 * Every user value is a bound parameter; every subquery is scoped to the workspace.
 * NULL never leaks out of a predicate: a missing value makes it false (see CONTEXT.md).
 */
export function compileCondition(rule: SegmentRule, context: CompileContext): Bool {
  const state: State = { ...context, aliases: 0 };
  return condition(rule.condition, { target: rule.target, alias: rule.target === 'person' ? 'p' : 'a' }, state);
}

/** The members of a rule now: `{ id, externalId }` with the person's userId or the account's groupId. */
export function selectRuleMembers(db: Kysely<Database>, rule: SegmentRule, context: CompileContext) {
  const where = compileCondition(rule, context);
  const people = () =>
    db
      .selectFrom('people as p')
      .select([sql<string>`p.person_id`.as('id'), sql<string | null>`p.user_id`.as('externalId')])
      .where('p.workspace_id', '=', context.workspaceId)
      .where(where);
  if (rule.target === 'person') return people();
  // Both builders select the same row shape; one type lets callers page and count either alike.
  return db
    .selectFrom('accounts as a')
    .select([sql<string>`a.account_id`.as('id'), sql<string | null>`a.group_id`.as('externalId')])
    .where('a.workspace_id', '=', context.workspaceId)
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
      return sql<boolean>`EXISTS (SELECT 1 FROM segment_members m WHERE m.workspace_id = ${state.workspaceId}
        AND m.segment_key = ${node.key} AND m.member_id = ${idOf(profile)})`;
    case 'did': {
      const e = alias(state, 'e');
      const filters = [sql`${sql.ref(`${e}.name`)} = ${node.event}`, ...windowFilter(sql.ref(`${e}.timestamp`), node.window, state)];
      if (node.where) filters.push(rowCondition(node.where, { table: 'events', alias: e }, state));
      return sql<boolean>`EXISTS (SELECT 1 FROM ${eventsOf(profile, e, state)} AND ${sql.join(filters, sql` AND `)})`;
    }
    case 'quantified': {
      const person = alias(state, 'q');
      const members = peopleOf(profile, person, state);
      const inner = condition(node.where, { target: 'person', alias: person }, state);
      if (node.quantifier === 'any') return sql<boolean>`EXISTS (SELECT 1 FROM ${members} AND ${inner})`;
      if (node.quantifier === 'none') return sql<boolean>`(NOT EXISTS (SELECT 1 FROM ${members} AND ${inner}))`;
      return sql<boolean>`(EXISTS (SELECT 1 FROM ${members}) AND NOT EXISTS (SELECT 1 FROM ${members} AND NOT ${inner}))`;
    }
    case 'predicate': {
      const subject = node.subject;
      if (subject.kind === 'field' && subject.scope === 'person-account' && profile.target === 'person') {
        const link = alias(state, 'pa');
        const account = alias(state, 'pacc');
        const value = fieldValue(subject, account, state);
        return sql<boolean>`EXISTS (SELECT 1 FROM person_accounts ${sql.id(link)}
          JOIN accounts ${sql.id(account)} ON ${sql.ref(`${account}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${account}.account_id`)} = ${sql.ref(`${link}.account_id`)}
          WHERE ${sql.ref(`${link}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${link}.person_id`)} = ${idOf(profile)}
          AND ${predicate(node.operator, value, subject.type, node.operands, state)})`;
      }
      const value = subject.kind === 'field' ? fieldValue(subject, profile.alias, state) : aggregate(subject, profile, state);
      return predicate(node.operator, value, subject.type, node.operands, state);
    }
  }
}

/** A condition over the rows of a source (`where`), whose fields are the row's own. */
function rowCondition(node: Condition, row: { table: 'events' | 'tickets' | 'surveys'; alias: string }, state: State): Bool {
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
    case 'predicate':
      if (node.subject.kind !== 'field') throw new Error('invariant: row conditions compare fields');
      return predicate(node.operator, rowField(node.subject, row), node.subject.type, node.operands, state);
    case 'did':
    case 'in-segment':
    case 'quantified':
      throw new Error(`invariant: ${node.kind} inside a row condition`);
  }
}

function idOf(profile: Profile): Expr {
  return sql.ref(`${profile.alias}.${profile.target === 'person' ? 'person_id' : 'account_id'}`);
}

function alias(state: State, prefix: string): string {
  state.aliases++;
  return `${prefix}${state.aliases}`;
}

/** `FROM events e WHERE <scoped to the profile>`, ready for more `AND`s. */
function eventsOf(profile: Profile, e: string, state: State): Expr {
  const owner = profile.target === 'person' ? 'person_id' : 'account_id';
  return sql`events ${sql.id(e)} WHERE ${sql.ref(`${e}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${e}.${owner}`)} = ${idOf(profile)}`;
}

function supportOf(table: 'tickets' | 'surveys', profile: Profile, t: string, state: State): Expr {
  const owner = profile.target === 'person' ? 'person_id' : 'account_id';
  return sql`${sql.id(table)} ${sql.id(t)} WHERE ${sql.ref(`${t}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${t}.${owner}`)} = ${idOf(profile)}`;
}

/** `FROM person_accounts JOIN people <person> WHERE <of this account>`, ready for more `AND`s. */
function peopleOf(account: Profile, person: string, state: State): Expr {
  const link = `${person}_link`;
  return sql`person_accounts ${sql.id(link)}
    JOIN people ${sql.id(person)} ON ${sql.ref(`${person}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${person}.person_id`)} = ${sql.ref(`${link}.person_id`)}
    WHERE ${sql.ref(`${link}.workspace_id`)} = ${state.workspaceId} AND ${sql.ref(`${link}.account_id`)} = ${idOf(account)}`;
}

/** The typed value of a profile field: a column, or a trait read as the field's type (NULL otherwise). */
function fieldValue(field: FieldRef, tableAlias: string, _state: State): Expr {
  if (field.column) return sql.ref(`${tableAlias}.${field.column}`);
  return typedJson(sql`${sql.ref(`${tableAlias}.traits`)} -> ${field.name}`, field.type);
}

function rowField(field: FieldRef, row: { table: 'events' | 'tickets' | 'surveys'; alias: string }): Expr {
  if (row.table === 'events') return typedJson(sql`${sql.ref(`${row.alias}.properties`)} -> ${field.name}`, field.type);
  // Ticket and survey fields are columns of their own tables (see field-schema in core).
  return sql.ref(`${row.alias}.${field.name}`);
}

const jsonReaders: Record<FieldType, string> = {
  string: 'strata_text',
  number: 'strata_number',
  boolean: 'strata_boolean',
  datetime: 'strata_timestamptz',
  array: 'strata_array',
  object: 'strata_object',
};

function typedJson(json: Expr, type: FieldType): Expr {
  return sql`${sql.raw(jsonReaders[type])}(${json})`;
}

function windowFilter(column: Expr, window: Window | undefined, state: State): Bool[] {
  if (!window) return [];
  const now = state.now.getTime();
  if (window.direction === 'last')
    return [sql<boolean>`${column} >= ${at(shiftTime(now, window.amount, window.unit, -1))}`, sql<boolean>`${column} <= ${at(now)}`];
  return [sql<boolean>`${column} >= ${at(now)}`, sql<boolean>`${column} <= ${at(shiftTime(now, window.amount, window.unit, 1))}`];
}

/** An instant as a bound parameter. */
function at(ms: number): Expr {
  return sql`${new Date(ms).toISOString()}::timestamptz`;
}

function aggregate(value: Aggregate, profile: Profile, state: State): Expr {
  const { source } = value;
  if (source.from === 'people') {
    const person = alias(state, 'r');
    const members = peopleOf(profile, person, state);
    const matching = source.where ? condition(source.where, { target: 'person', alias: person }, state) : sql<boolean>`true`;
    if (value.fn === 'count') return sql`(SELECT count(*) FROM ${members} AND ${matching})`;
    return sql`(SELECT CASE WHEN count(*) = 0 THEN NULL ELSE (count(*) FILTER (WHERE ${matching}))::numeric / count(*) END FROM ${members})`;
  }
  const rows = sourceRows(source, profile, state);
  const v = source.field ? rowField(source.field, { table: source.from, alias: rows.alias }) : undefined;
  switch (value.fn) {
    case 'count':
      return sql`(SELECT count(*) FROM ${rows.from})`;
    case 'distinct':
      return sql`(SELECT count(DISTINCT ${v!}) FROM ${rows.from})`;
    case 'sum':
      return sql`(SELECT coalesce(sum(${v!}), 0) FROM ${rows.from})`;
    case 'avg':
    case 'min':
    case 'max':
      return sql`(SELECT ${sql.raw(value.fn)}(${v!}) FROM ${rows.from})`;
    case 'first':
    case 'last': {
      const direction = sql.raw(value.fn === 'first' ? 'ASC' : 'DESC');
      const selected = v ?? rows.time;
      return sql`(SELECT ${selected} FROM ${rows.from} ORDER BY ${rows.time} ${direction}, ${rows.id} ${direction} LIMIT 1)`;
    }
    case 'share':
      throw new Error('invariant: share applies to people only');
  }
  return assertNever(value.fn);
}

function assertNever(value: never): never {
  throw new Error(`invariant: unexpected ${String(value)}`);
}

/** The rows of an events, tickets or surveys source, with their time and tie-breaking id columns. */
function sourceRows(source: Source, profile: Profile, state: State): { from: Expr; alias: string; time: Expr; id: Expr } {
  const table = source.from as 'events' | 'tickets' | 'surveys';
  const r = alias(state, 's');
  const time = sql.ref(`${r}.${table === 'events' ? 'timestamp' : table === 'tickets' ? 'created_at' : 'submitted_at'}`);
  const id = sql.ref(`${r}.${table === 'events' ? 'message_id' : table === 'tickets' ? 'ticket_id' : 'survey_id'}`);
  const filters: Bool[] = [...windowFilter(time, source.window, state)];
  if (table === 'events' && source.event !== undefined) filters.push(sql<boolean>`${sql.ref(`${r}.name`)} = ${source.event}`);
  if (source.where) filters.push(rowCondition(source.where, { table, alias: r }, state));
  const base = table === 'events' ? eventsOf(profile, r, state) : supportOf(table, profile, r, state);
  const from = filters.length > 0 ? sql`${base} AND ${sql.join(filters, sql` AND `)}` : base;
  return { from, alias: r, time, id };
}

/** A predicate on a typed value; NULL (missing) makes it false, except for `is not set`. */
function predicate(operator: OperatorName, value: Expr, type: FieldType, operands: readonly OperandValue[], state: State): Bool {
  if (operator === 'is-not-set') return sql<boolean>`(${value} IS NULL)`;
  return sql<boolean>`coalesce(${operatorSql[operator](
    value,
    operands.map((o) => param(o, type)),
    operands,
    state,
  )}, false)`;
}

/** A literal operand as a parameter of the subject's SQL type. */
function param(operand: OperandValue, type: FieldType): Expr {
  if (Array.isArray(operand)) return sql`${operand}`;
  if (typeof operand === 'object') return sql`${operand.amount}`;
  if (type === 'datetime' && typeof operand === 'string') return at(isoTime(operand)!);
  if (type === 'number') return sql`${operand}::numeric`;
  return sql`${operand}`;
}

type OperatorSql = (value: Expr, params: Expr[], operands: readonly OperandValue[], state: State) => Expr;

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
  matches: (v, [p]) => sql`${v} ~ ${p!}`,
  'is-set': (v) => sql`${v} IS NOT NULL`,
  before: (v, [p]) => sql`${v} < ${p!}`,
  after: (v, [p]) => sql`${v} > ${p!}`,
  'within-last': (v, _p, [d], state) => sql`${v} >= ${ago(d, state)} AND ${v} <= ${at(state.now.getTime())}`,
  'within-next': (v, _p, [d], state) =>
    sql`${v} >= ${at(state.now.getTime())} AND ${v} <= ${at(shiftTime(state.now.getTime(), duration(d).amount, duration(d).unit, 1))}`,
  'more-than-ago': (v, _p, [d], state) => sql`${v} < ${ago(d, state)}`,
  'between-ago': (v, _p, [near, far], state) => sql`${v} <= ${ago(near, state)} AND ${v} >= ${ago(far, state)}`,
};

function listMembership(value: Expr, list: OperandValue | undefined): Expr {
  const items = list as Array<string | number>;
  // Typed arrays so that numbers compare as numbers and strings as text.
  return typeof items[0] === 'number' ? sql`${value} = ANY(${items}::numeric[])` : sql`${value} = ANY(${items}::text[])`;
}
