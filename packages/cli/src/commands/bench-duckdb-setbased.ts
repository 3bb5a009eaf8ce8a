import type { DuckDBConnection } from '@duckdb/node-api';
import { duckCount, timeEachSegment } from './bench-baselines.js';
import { ago, churned, fillBaselineSql, now, renewalDue, time, trait, trial, utcDay, withinLast } from './bench-sql-fragments.js';

/**
 * The benchmark's 54 segments written by hand for DuckDB as set-based SQL: each condition is one
 * GROUP BY over events, tickets, surveys or memberships, left-joined to the profile table, with
 * window edges as plain predicates and referenced segments as CTEs; no correlated subquery. The
 * meaning is exactly that of `naiveSql` (same window edges, the same NULLs, days in UTC), so the
 * counts must agree with it and with Strata. `{now}` and `{ws}` are filled in as literals.
 */
const ws = "'{ws}'";

/** One value per person over the workspace's events that pass `filter`, as column `v`. */
const perPerson = (aggregate: string, filter: string) =>
  `SELECT e.person_id, ${aggregate} AS v FROM events e WHERE e.workspace_id = ${ws} AND ${filter} GROUP BY e.person_id`;
/** One value per account over its people (memberships joined to people, as the plain SQL's `peopleOf`), as column `v`. */
const perAccount = (aggregate: string, joins = '') =>
  `SELECT pa.account_id, ${aggregate} AS v FROM person_accounts pa JOIN people q ON q.workspace_id = pa.workspace_id AND q.person_id = pa.person_id${joins} WHERE pa.workspace_id = ${ws} GROUP BY pa.account_id`;
/** One value per account over the workspace's tickets that pass `filter`, as column `v`. */
const perAccountTickets = (aggregate: string, filter: string) =>
  `SELECT t.account_id, ${aggregate} AS v FROM tickets t WHERE t.workspace_id = ${ws} AND ${filter} GROUP BY t.account_id`;
const eventCount = (filter: string) => perPerson('count(*)', filter);
/** Each account's MRR at `at`, as column `v`: the latest value its history holds then (NULL included, so no arg_max). */
const mrrAt = (at: string) =>
  `SELECT account_id, mrr AS v FROM (SELECT h.account_id, h.mrr, row_number() OVER (PARTITION BY h.account_id ORDER BY h."at" DESC) AS r FROM account_mrr_history h WHERE h.workspace_id = ${ws} AND h."at" <= ${at}) latest WHERE r = 1`;

// Referenced segments, each a set of ids.
const activePeople = `SELECT e.person_id FROM events e WHERE e.workspace_id = ${ws} AND ${withinLast('e.timestamp', '7 days')} GROUP BY e.person_id HAVING count(DISTINCT ${utcDay('e.timestamp')}) >= 3`;
const enterprisePeople = `SELECT DISTINCT pa.person_id FROM person_accounts pa JOIN accounts a ON a.workspace_id = pa.workspace_id AND a.account_id = pa.account_id WHERE pa.workspace_id = ${ws} AND ${trait('a', 'plan')} = 'enterprise'`;

/**
 * Counts the workspace's profiles that pass `where`; each named set is a CTE left-joined on the
 * profile's id, so a profile without rows in it sees NULLs (a count of none is `coalesce(x.v, 0)`).
 */
const countOf =
  (table: 'people' | 'accounts', alias: 'p' | 'a', id: 'person_id' | 'account_id') =>
  (where: string, sets: Record<string, string> = {}) => {
    const names = Object.keys(sets);
    const ctes = names.length === 0 ? '' : `WITH ${names.map((name) => `${name} AS (${sets[name]})`).join(', ')} `;
    const joins = names.map((name) => ` LEFT JOIN ${name} ON ${name}.${id} = ${alias}.${id}`).join('');
    return `${ctes}SELECT count(*) AS n FROM ${table} ${alias}${joins} WHERE ${alias}.workspace_id = ${ws} AND (${where})`;
  };
const person = countOf('people', 'p', 'person_id');
const account = countOf('accounts', 'a', 'account_id');

const login = (interval: string) => `e.name = 'login' AND ${withinLast('e.timestamp', interval)}`;
/** Accounts with a number of people who logged in within the window, as column `v`. */
const peopleLoggedIn = (interval: string) =>
  perAccount('count(*)', ` JOIN (${eventCount(login(interval))}) l ON l.person_id = pa.person_id`);

/** The set-based DuckDB SQL of a benchmark segment; undefined when none is written for it. */
export function setBasedSql(key: string): string | undefined {
  const logins = /^logins-(\d+)d-(\d+)$/.exec(key);
  if (logins) return person(`coalesce(logins.v, 0) >= ${logins[2]}`, { logins: eventCount(login(`${logins[1]} days`)) });
  const uses = /^uses-(.+)$/.exec(key);
  if (uses)
    return person(`coalesce(uses.v, 0) >= 1`, {
      uses: eventCount(`e.name = 'feature_used' AND (e.properties->>'feature') = '${uses[1]}' AND ${withinLast('e.timestamp', '7 days')}`),
    });
  const noLogin = /^no-login-(\d+)d$/.exec(key);
  // No login ever: max is NULL and the comparison not true, as in the plain SQL.
  if (noLogin)
    return person(`last_login.v < ${ago(`${noLogin[1]} days`)}`, { last_login: perPerson('max(e.timestamp)', `e.name = 'login'`) });
  const absent = /^absent-(\d+)d$/.exec(key);
  if (absent) return person(`coalesce(logins.v, 0) = 0`, { logins: eventCount(login(`${absent[1]} days`)) });
  const joined = /^joined-(\d+)d$/.exec(key);
  if (joined) return person(withinLast(time('p', 'signed_up_at'), `${joined[1]} days`));
  const planMrr = /^plan-mrr-(\d+)$/.exec(key);
  if (planMrr) {
    const plans = { '1000': "'pro', 'enterprise'", '5000': "'enterprise'", '0': "'starter'" }[planMrr[1]!];
    if (plans) return account(`${trait('a', 'plan')} IN (${plans}) AND (${trait('a', 'mrr')})::numeric >= ${planMrr[1]}`);
  }
  const team = /^team-(\d+)d-(\d+)$/.exec(key);
  if (team) return account(`coalesce(team.v, 0) >= ${team[2]}`, { team: peopleLoggedIn(`${team[1]} days`) });
  return fixed[key];
}

const fixed: Record<string, string> = {
  'recent-login': person(`coalesce(logins.v, 0) >= 1`, { logins: eventCount(login('90 minutes')) }),
  'english-or-not-us': person(
    `${trait('p', 'language')} = 'en' OR NOT coalesce(${trait('p', 'timezone')} IN ('America/New_York', 'America/Chicago'), false)`,
  ),
  'enterprise-people': person('enterprise.person_id IS NOT NULL', { enterprise: enterprisePeople }),
  // sum over no rows is 0, as Strata's `sum` and the plain SQL's coalesce make it.
  'export-heavy': person(`coalesce(exports.v, 0) > 1200`, {
    exports: perPerson(
      `sum((e.properties->>'duration_s')::numeric)`,
      `e.name = 'feature_used' AND (e.properties->>'feature') = 'export' AND ${withinLast('e.timestamp', '30 days')}`,
    ),
  }),
  invited: person(`coalesce(invites.v, 0) >= 1`, {
    invites: eventCount(`e.name = 'invite_sent' AND ${withinLast('e.timestamp', '30 days')}`),
  }),
  'active-enterprise': person('active.person_id IS NOT NULL AND enterprise.person_id IS NOT NULL', {
    active: activePeople,
    enterprise: enterprisePeople,
  }),
  'bench-probe': person(`coalesce(probes.v, 0) >= 1`, {
    probes: eventCount(`e.name = 'bench_probe' AND ${withinLast('e.timestamp', '1 day')}`),
  }),
  'bench-expiry': person(`coalesce(expiring.v, 0) >= 1`, {
    expiring: eventCount(`e.name = 'bench_expiry' AND ${withinLast('e.timestamp', '1 minute')}`),
  }),
  // The latest answer decides, ties broken by id; a latest answer without an NPS is not <= 6.
  detractors: person('latest.nps <= 6', {
    latest: `SELECT s.person_id, s.nps FROM surveys s WHERE s.workspace_id = ${ws} QUALIFY row_number() OVER (PARTITION BY s.person_id ORDER BY s.submitted_at DESC, s.survey_id DESC) = 1`,
  }),
  'trials-not-churned': account(`${trial} AND NOT coalesce(${churned}, false)`),
  'trial-3d': account(`${time('a', 'trial_ends_at')} >= ${now} AND ${time('a', 'trial_ends_at')} <= ${now} + INTERVAL '3 days'`),
  // Accounts without people have no share (NULL), so they are not members.
  'half-active': account('share.v >= 0.5', {
    share: perAccount(
      'avg(CASE WHEN active.person_id IS NOT NULL THEN 1.0 ELSE 0.0 END)',
      ` LEFT JOIN (${activePeople}) active ON active.person_id = pa.person_id`,
    ),
  }),
  'urgent-tickets': account(`coalesce(urgent.v, 0) >= 2`, {
    urgent: perAccountTickets('count(*)', `t.priority = 'urgent' AND ${withinLast('t.created_at', '30 days')}`),
  }),
  // No rated ticket in the window: avg is NULL, not < 3.
  'low-csat': account('csat.v < 3', { csat: perAccountTickets('avg(t.csat)', withinLast('t.created_at', '90 days')) }),
  // The predefined segments.
  trial: account(trial),
  churned: account(churned),
  'high-value': account(`(${trait('a', 'mrr')})::numeric >= 1000`),
  paying: account(`(${trait('a', 'mrr')})::numeric > 0 AND NOT coalesce(${trial}, false) AND NOT coalesce(${churned}, false)`),
  'trial-ending': account(
    `${trial} AND ${time('a', 'trial_ends_at')} >= ${now} AND ${time('a', 'trial_ends_at')} <= ${now} + INTERVAL '3 days'`,
  ),
  new: person(
    `(${withinLast(time('p', 'signed_up_at'), '14 days')}) OR (${trait('p', 'signed_up_at')} IS NULL AND ${withinLast('p.first_seen_at', '14 days')})`,
  ),
  active: person('active.person_id IS NOT NULL', { active: activePeople }),
  inactive: person(`p.last_seen_at < ${ago('14 days')}`),
  'onboarding-stalled': person(
    `${time('p', 'signed_up_at')} <= ${ago('7 days')} AND ${time('p', 'signed_up_at')} >= ${ago('30 days')} AND coalesce(features.v, 0) < 3`,
    { features: eventCount(`e.name = 'feature_used' AND ${withinLast('e.timestamp', '30 days')}`) },
  ),
  'accounts-active': account('coalesce(active_people.v, 0) >= 1', {
    active_people: perAccount('count(*)', ` JOIN (${activePeople}) active ON active.person_id = pa.person_id`),
  }),
  // Some people, all seen more than 14 days ago (a person never seen is not inactive): accounts
  // without people have no row here, so NULL, not a member.
  'accounts-inactive': account('coalesce(everyone.v, false)', {
    everyone: perAccount(`bool_and(coalesce(q.last_seen_at < ${ago('14 days')}, false))`),
  }),
  'renewal-due': account(renewalDue),
  // No MRR 90 days ago: NULL, not a member.
  expanding: account('mrr_now.v - mrr_then.v > 0', { mrr_now: mrrAt(now), mrr_then: mrrAt(ago('90 days')) }),
  'lifecycle-churned': account(churned),
  'lifecycle-trial': account(`${trial} AND NOT coalesce(${churned}, false)`),
};

/**
 * Runs each segment's set-based SQL alone on a loaded DuckDB, one after another; counts and
 * milliseconds per segment, seconds in all. A segment with no set-based SQL, or whose query
 * fails or runs past the limit, fails the run: this baseline is only fair if it is complete.
 */
export async function runSetBasedOnDuckDb(duck: DuckDBConnection, keys: string[], workspaceId: string, at: Date) {
  const missing = keys.filter((key) => setBasedSql(key) === undefined);
  if (missing.length > 0)
    throw new Error(`no set-based DuckDB SQL written for segment ${missing.join(', ')}: add it to setBasedSql in bench-duckdb-setbased.ts`);
  return timeEachSegment(keys, async (key) => {
    try {
      return await duckCount(duck, fillBaselineSql(setBasedSql(key)!, workspaceId, at));
    } catch (error) {
      throw new Error(`set-based DuckDB SQL of segment ${key} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
