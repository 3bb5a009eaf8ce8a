import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Kysely } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { healthTopic, inlineSegmentReferences, ruleDependencies } from '@strata/core';
import { churnRiskTopic } from '@strata/engine';
import { listLiveVersions, selectRuleMembers, setWorkspaceSql, workspaceScope, type Database } from '@strata/storage';
import { ago, churned, fillBaselineSql, now, renewalDue, time, trait, trial, utcDay, withinLast } from './bench-sql-fragments.js';

/**
 * The benchmark's 54 segments as plain SQL over the raw tables, written the way a user would
 * without Strata: one correlated subquery per condition, referenced segments written out. The
 * same text runs on PostgreSQL and on DuckDB. `{now}` and `{ws}` are filled in as literals.
 */
const personEvents = (filter: string) => `FROM events e WHERE e.workspace_id = p.workspace_id AND e.person_id = p.person_id AND ${filter}`;
const within = (interval: string) => withinLast('e.timestamp', interval);
const activeDays = (person: string) =>
  `(SELECT count(DISTINCT ${utcDay('e.timestamp')}) FROM events e WHERE e.workspace_id = ${person}.workspace_id AND e.person_id = ${person}.person_id AND ${within('7 days')}) >= 3`;
const peopleOf = (where: string) =>
  `FROM person_accounts pa JOIN people q ON q.workspace_id = pa.workspace_id AND q.person_id = pa.person_id WHERE pa.workspace_id = a.workspace_id AND pa.account_id = a.account_id${where ? ` AND ${where}` : ''}`;
const loginWithin = (person: string, interval: string) =>
  `EXISTS (SELECT 1 FROM events e WHERE e.workspace_id = ${person}.workspace_id AND e.person_id = ${person}.person_id AND e.name = 'login' AND ${within(interval)})`;
const enterprise = `EXISTS (SELECT 1 FROM person_accounts pa JOIN accounts a ON a.workspace_id = pa.workspace_id AND a.account_id = pa.account_id WHERE pa.workspace_id = p.workspace_id AND pa.person_id = p.person_id AND ${trait('a', 'plan')} = 'enterprise')`;

/** The MRR an account's history holds at `at` (the latest value set at or before it). */
const mrrAt = (at: string) =>
  `(SELECT h.mrr FROM account_mrr_history h WHERE h.workspace_id = a.workspace_id AND h.account_id = a.account_id AND h."at" <= ${at} ORDER BY h."at" DESC LIMIT 1)`;

const person = (where: string) => `SELECT count(*) AS n FROM people p WHERE p.workspace_id = '{ws}' AND (${where})`;
const account = (where: string) => `SELECT count(*) AS n FROM accounts a WHERE a.workspace_id = '{ws}' AND (${where})`;

export function naiveSql(key: string): string | undefined {
  const logins = /^logins-(\d+)d-(\d+)$/.exec(key);
  if (logins) return person(`(SELECT count(*) ${personEvents(`e.name = 'login' AND ${within(`${logins[1]} days`)}`)}) >= ${logins[2]}`);
  const uses = /^uses-(.+)$/.exec(key);
  if (uses)
    return person(
      `(SELECT count(*) ${personEvents(`e.name = 'feature_used' AND (e.properties->>'feature') = '${uses[1]}' AND ${within('7 days')}`)}) >= 1`,
    );
  const noLogin = /^no-login-(\d+)d$/.exec(key);
  if (noLogin) return person(`(SELECT max(e.timestamp) ${personEvents(`e.name = 'login'`)}) < ${ago(`${noLogin[1]} days`)}`);
  const absent = /^absent-(\d+)d$/.exec(key);
  if (absent) return person(`NOT ${loginWithin('p', `${absent[1]} days`)}`);
  const joined = /^joined-(\d+)d$/.exec(key);
  if (joined) return person(`${time('p', 'signed_up_at')} >= ${ago(`${joined[1]} days`)} AND ${time('p', 'signed_up_at')} <= ${now}`);
  const planMrr = /^plan-mrr-(\d+)$/.exec(key);
  if (planMrr) {
    const plans = { '1000': "'pro', 'enterprise'", '5000': "'enterprise'", '0': "'starter'" }[planMrr[1]!];
    return account(`${trait('a', 'plan')} IN (${plans}) AND (${trait('a', 'mrr')})::numeric >= ${planMrr[1]}`);
  }
  const team = /^team-(\d+)d-(\d+)$/.exec(key);
  if (team) return account(`(SELECT count(*) ${peopleOf(loginWithin('q', `${team[1]} days`))}) >= ${team[2]}`);
  return fixed[key];
}

const fixed: Record<string, string> = {
  'recent-login': person(`(SELECT count(*) ${personEvents(`e.name = 'login' AND ${within('90 minutes')}`)}) >= 1`),
  'english-or-not-us': person(
    `${trait('p', 'language')} = 'en' OR NOT coalesce(${trait('p', 'timezone')} IN ('America/New_York', 'America/Chicago'), false)`,
  ),
  'enterprise-people': person(enterprise),
  'export-heavy': person(
    `(SELECT coalesce(sum((e.properties->>'duration_s')::numeric), 0) ${personEvents(`e.name = 'feature_used' AND (e.properties->>'feature') = 'export' AND ${within('30 days')}`)}) > 1200`,
  ),
  invited: person(`EXISTS (SELECT 1 ${personEvents(`e.name = 'invite_sent' AND ${within('30 days')}`)})`),
  'active-enterprise': person(`${activeDays('p')} AND ${enterprise}`),
  'bench-probe': person(`EXISTS (SELECT 1 ${personEvents(`e.name = 'bench_probe' AND ${within('1 day')}`)})`),
  'bench-expiry': person(`EXISTS (SELECT 1 ${personEvents(`e.name = 'bench_expiry' AND ${within('1 minute')}`)})`),
  detractors: person(
    `(SELECT s.nps FROM surveys s WHERE s.workspace_id = p.workspace_id AND s.person_id = p.person_id ORDER BY s.submitted_at DESC, s.survey_id DESC LIMIT 1) <= 6`,
  ),
  'trials-not-churned': account(`${trial} AND NOT coalesce(${churned}, false)`),
  'trial-3d': account(`${time('a', 'trial_ends_at')} >= ${now} AND ${time('a', 'trial_ends_at')} <= ${now} + INTERVAL '3 days'`),
  'half-active': account(`(SELECT avg(CASE WHEN ${activeDays('q')} THEN 1.0 ELSE 0.0 END) ${peopleOf('')}) >= 0.5`),
  'urgent-tickets': account(
    `(SELECT count(*) FROM tickets t WHERE t.workspace_id = a.workspace_id AND t.account_id = a.account_id AND t.priority = 'urgent' AND t.created_at >= ${ago('30 days')} AND t.created_at <= ${now}) >= 2`,
  ),
  'low-csat': account(
    `(SELECT avg(t.csat) FROM tickets t WHERE t.workspace_id = a.workspace_id AND t.account_id = a.account_id AND t.created_at >= ${ago('90 days')} AND t.created_at <= ${now}) < 3`,
  ),
  // The predefined segments.
  trial: account(trial),
  churned: account(churned),
  'high-value': account(`(${trait('a', 'mrr')})::numeric >= 1000`),
  paying: account(`(${trait('a', 'mrr')})::numeric > 0 AND NOT coalesce(${trial}, false) AND NOT coalesce(${churned}, false)`),
  'trial-ending': account(
    `${trial} AND ${time('a', 'trial_ends_at')} >= ${now} AND ${time('a', 'trial_ends_at')} <= ${now} + INTERVAL '3 days'`,
  ),
  new: person(
    `(${time('p', 'signed_up_at')} >= ${ago('14 days')} AND ${time('p', 'signed_up_at')} <= ${now}) OR (${trait('p', 'signed_up_at')} IS NULL AND p.first_seen_at >= ${ago('14 days')} AND p.first_seen_at <= ${now})`,
  ),
  active: person(activeDays('p')),
  inactive: person(`p.last_seen_at < ${ago('14 days')}`),
  'onboarding-stalled': person(
    `${time('p', 'signed_up_at')} <= ${ago('7 days')} AND ${time('p', 'signed_up_at')} >= ${ago('30 days')} AND (SELECT count(*) ${personEvents(`e.name = 'feature_used' AND ${within('30 days')}`)}) < 3`,
  ),
  'accounts-active': account(`EXISTS (SELECT 1 ${peopleOf(activeDays('q'))})`),
  'accounts-inactive': account(
    `EXISTS (SELECT 1 ${peopleOf('')}) AND NOT EXISTS (SELECT 1 ${peopleOf(`NOT coalesce(q.last_seen_at < ${ago('14 days')}, false)`)})`,
  ),
  'renewal-due': account(renewalDue),
  expanding: account(`${mrrAt(now)} - ${mrrAt(ago('90 days'))} > 0`),
  // The stages tried before `at-risk`; the later ones read it, a stored score, so they are not compared.
  'lifecycle-churned': account(churned),
  'lifecycle-trial': account(`${trial} AND NOT coalesce(${churned}, false)`),
};

/** Runs `work` on a client of its own in a transaction that sets the workspace for row-level security. */
async function inWorkspace<T>(pool: Pool, workspaceId: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN; ${setWorkspaceSql(workspaceId)}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Runs every segment's plain SQL on PostgreSQL, one after another; counts and seconds. */
export async function runNaiveOnPostgres(pool: Pool, keys: string[], workspaceId: string, at: Date) {
  return timeEachSegment(keys, async (key) => {
    const text = naiveSql(key);
    if (!text) throw new Error(`no plain SQL written for segment ${key}`);
    const result = await inWorkspace(pool, workspaceId, (client) =>
      client.query<{ n: string | number }>(fillBaselineSql(text, workspaceId, at)),
    );
    return Number(result.rows[0]!.n);
  });
}

/**
 * Counts each segment in turn with `count`: counts and milliseconds per segment, seconds in all.
 * A segment `count` answers `undefined` for took its time but has no count.
 */
export async function timeEachSegment(keys: string[], count: (key: string) => Promise<number | undefined>) {
  const counts: Record<string, number> = {};
  const perSegment: Record<string, number> = {};
  const started = performance.now();
  for (const key of keys) {
    const one = performance.now();
    const n = await count(key);
    if (n !== undefined) counts[key] = n;
    perSegment[key] = Math.round(performance.now() - one);
  }
  return { seconds: (performance.now() - started) / 1000, counts, perSegment };
}

/** How long one DuckDB query may run before it is interrupted: plain SQL reports it as unfinished, set-based SQL fails. */
const duckQueryLimitMs = 180_000;

/** The count a DuckDB query answers, interrupted when it runs past `duckQueryLimitMs`. */
export async function duckCount(duck: DuckDBConnection, text: string): Promise<number> {
  const timer = setTimeout(() => duck.interrupt(), duckQueryLimitMs);
  try {
    const reader = await duck.runAndReadAll(text);
    return Number(reader.getRows()[0]![0]);
  } finally {
    clearTimeout(timer);
  }
}

const exportedTables: Record<string, string> = {
  people: 'workspace_id, person_id, user_id, traits, first_seen_at, last_seen_at',
  accounts: 'workspace_id, account_id, group_id, traits, created_at',
  person_accounts: 'workspace_id, person_id, account_id',
  events: 'workspace_id, person_id, account_id, name, properties, timestamp',
  tickets: 'workspace_id, ticket_id, person_id, account_id, priority, csat, created_at',
  surveys: 'workspace_id, survey_id, person_id, account_id, nps, submitted_at',
  account_mrr_history: 'workspace_id, account_id, at, mrr',
};
const duckTypes: Record<string, string> = {
  people: 'workspace_id VARCHAR, person_id VARCHAR, user_id VARCHAR, traits JSON, first_seen_at TIMESTAMPTZ, last_seen_at TIMESTAMPTZ',
  accounts: 'workspace_id VARCHAR, account_id VARCHAR, group_id VARCHAR, traits JSON, created_at TIMESTAMPTZ',
  person_accounts: 'workspace_id VARCHAR, person_id VARCHAR, account_id VARCHAR',
  events: 'workspace_id VARCHAR, person_id VARCHAR, account_id VARCHAR, name VARCHAR, properties JSON, "timestamp" TIMESTAMPTZ',
  tickets:
    'workspace_id VARCHAR, ticket_id VARCHAR, person_id VARCHAR, account_id VARCHAR, priority VARCHAR, csat DOUBLE, created_at TIMESTAMPTZ',
  surveys: 'workspace_id VARCHAR, survey_id VARCHAR, person_id VARCHAR, account_id VARCHAR, nps DOUBLE, submitted_at TIMESTAMPTZ',
  account_mrr_history: 'workspace_id VARCHAR, account_id VARCHAR, "at" TIMESTAMPTZ, mrr DOUBLE',
};

/** An in-memory DuckDB holding one workspace's rows, shared by the DuckDB baselines so they read the same load. */
export interface LoadedDuckDb {
  connection: DuckDBConnection;
  loadSeconds: number;
  close(): void;
}

/**
 * Copies the workspace's rows into an in-memory DuckDB (CSV through a folder): the columnar
 * reference for what this hardware can do. The caller closes it.
 */
export async function loadIntoDuckDb(pool: Pool, folder: string, workspaceId: string): Promise<LoadedDuckDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  const close = () => {
    duck.closeSync();
    instance.closeSync();
  };
  try {
    // Correlated plain SQL can make DuckDB spill without bound (it once filled the disk): cap it.
    await duck.run(`SET temp_directory = '${join(folder, 'duckdb-spill')}'`);
    await duck.run(`SET max_temp_directory_size = '8GB'`);
    const loadStarted = performance.now();
    for (const [table, columns] of Object.entries(exportedTables)) {
      const file = join(folder, `${table}.csv`);
      await inWorkspace(pool, workspaceId, async (client) => {
        const stream = client.query(
          copyTo(`COPY (SELECT ${columns} FROM ${table} WHERE workspace_id = '${workspaceId}') TO STDOUT WITH (FORMAT csv, HEADER true)`),
        );
        await pipeline(stream, createWriteStream(file));
      });
      await duck.run(`CREATE TABLE ${table} (${duckTypes[table]})`);
      await duck.run(
        `INSERT INTO ${table} SELECT * FROM read_csv('${file}', header = true, columns = {${columnsSpec(duckTypes[table]!)}})`,
      );
    }
    return { connection: duck, loadSeconds: (performance.now() - loadStarted) / 1000, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** Runs the same plain SQL as on PostgreSQL on a loaded DuckDB, one segment after another; counts and seconds. */
export async function runNaiveOnDuckDb(duck: DuckDBConnection, keys: string[], workspaceId: string, at: Date) {
  const unfinished: Array<{ key: string; error: string }> = [];
  const timed = await timeEachSegment(keys, async (key) => {
    try {
      return await duckCount(duck, fillBaselineSql(naiveSql(key)!, workspaceId, at));
    } catch (error) {
      // A query that runs past the limit is interrupted and reported, not waited for.
      unfinished.push({ key, error: error instanceof Error ? error.message.slice(0, 200) : String(error) });
      return undefined;
    }
  });
  return { ...timed, unfinished };
}

function columnsSpec(types: string): string {
  return types
    .split(', ')
    .map((column) => {
      const [name, type] = column.split(' ');
      return `'${name!.replaceAll('"', '')}': '${type}'`;
    })
    .join(', ');
}

/**
 * Each segment's member count by Strata's compiled rule at the same instant as the baselines.
 * References to other segments are inlined, as the plain SQL writes them out: materialised
 * members reflect the last evaluation, which a time sweep may have moved on since.
 */
export async function countWithStrata(db: Kysely<Database>, workspaceId: string, at: Date): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const scope = workspaceScope(db, workspaceId, () => at);
  const active = (await listLiveVersions(scope)).filter((v) => v.state === 'active');
  const rules = new Map(active.map((v) => [v.key, v.rule]));
  for (const version of active) {
    const rule = inlineSegmentReferences(version.rule, rules);
    // Segments on scores Strata computes and stores (health, the quadrant, churn risk): the
    // baselines, plain SQL over the raw rows, have nothing to compare them with.
    if (ruleDependencies(rule).topics.some((topic) => topic === healthTopic || topic === churnRiskTopic)) continue;
    const row = await scope.db
      .selectFrom(selectRuleMembers(scope.db, rule, { workspaceId, now: at }).as('m'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[version.key] = Number(row.n);
  }
  return counts;
}

/** Segments whose counts differ between the sources (Strata and the baselines), counts in the order given. */
export function disagreements(...sources: Array<Record<string, number>>): Array<{ key: string; counts: number[] }> {
  const keys = new Set(sources.flatMap((s) => Object.keys(s)));
  return [...keys].flatMap((key) => {
    // A count missing from a source (a query that did not finish) is reported apart, not as a disagreement.
    const counts = sources.map((s) => s[key]).filter((c): c is number => c !== undefined);
    return counts.every((c) => c === counts[0]) ? [] : [{ key, counts }];
  });
}
