import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql as rawSql } from 'kysely';
import { explainRule, patternMatches, postgresPattern, validateRule, type PersonRecord, type SegmentRule, type Target } from '@strata/core';
import { createWorkspace, selectRuleMembers, workspaceScope } from '@strata/storage';
import { nicks, ruleArbitrary, testNow, testSchema } from '../../../test-support/segment-arbitraries.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
let workspaceId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  workspaceId = (await createWorkspace(database.db, { slug: 'compile' })).id;
});
afterAll(async () => {
  await database.drop();
});

const rule = (text: string, target: Target): SegmentRule => {
  const result = validateRule(text, { target, schema: testSchema() });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.rule;
};
const compiled = (r: SegmentRule) => selectRuleMembers(database.db, r, { workspaceId, now: new Date(testNow) }).compile();
/** The workspace's own database (row-level security shows a statement only the workspace its scope sets). */
const workspaceDb = (ws: string) => workspaceScope(database.db, ws, () => new Date(testNow)).db;

/** Every table a statement reads, and every workspace predicate it carries. */
function tenancy(sqlText: string) {
  const reads = [
    ...sqlText.matchAll(
      /\b(?:from|join)\s+"?(people|accounts|events|event_summaries|trait_instants|tickets|surveys|person_accounts|segment_members)"?\s+(?:as\s+)?"?(\w+)"?/gi,
    ),
  ].map((m) => m[2]!);
  const scoped = reads.filter((alias) => new RegExp(`"?${alias}"?\\."?workspace_id"? = \\$\\d+`).test(sqlText));
  return { reads, scoped };
}

describe('compiled statements', () => {
  it('read the event summaries for an event name with no where, and the events otherwise', () => {
    const reads = (text: string, target: Target = 'person') => {
      const statement = compiled(rule(text, target)).sql;
      return { summaries: /\bevent_summaries\b/.test(statement), events: /\bevents\b/.test(statement) };
    };
    const fromSummaries = { summaries: true, events: false };
    const fromEvents = { summaries: false, events: true };
    expect(reads('did "login"')).toEqual(fromSummaries);
    expect(reads('count(events "login" within last 30 days) >= 5')).toEqual(fromSummaries);
    expect(reads('last(events "login") more than 14 days ago')).toEqual(fromSummaries);
    expect(reads('first(events "login" within this month) before "2026-03-10"')).toEqual(fromSummaries);
    expect(reads('count(people where did "login" within last 7 days) >= 3', 'account')).toEqual(fromSummaries);
    // Beyond the 400-day horizon of the lists of times, with a where, a property, or days: the events.
    expect(reads('count(events "login" within last 500 days) >= 5')).toEqual(fromEvents);
    expect(reads('count(events "feature_used" where feature = "export" within last 7 days) >= 1')).toEqual(fromEvents);
    expect(reads('sum(events "feature_used".duration_s within last 7 days) > 10')).toEqual(fromEvents);
    expect(reads('days(events within last 7 days) >= 2')).toEqual(fromEvents);
  });

  it('compile a simple rule to exactly this SQL, with the values as parameters', () => {
    const { sql, parameters } = compiled(rule('plan = "pro" and mrr >= 1000', 'account'));
    expect(sql).toBe(
      'select a.account_id as "id", a.group_id as "externalId" from "accounts" as "a" where "a"."workspace_id" = $1 and ((coalesce("a"."traits" @> $2::jsonb, false) AND coalesce((CASE WHEN jsonb_typeof("a"."traits" -> $3) = \'string\' THEN "a"."traits" ->> $4 END) = $5, false)) AND coalesce(strata_number("a"."traits" -> $6) >= $7::numeric, false))',
    );
    expect(parameters).toEqual([workspaceId, '{"plan":"pro"}', 'plan', 'plan', 'pro', 'mrr', 1000]);
  });

  it('test a property equal to a string by containment first, and a date trait by a bare range of its index', () => {
    const property = compiled(rule('count(events "feature_used" where feature = "export" within last 7 days) >= 1', 'person'));
    expect(property.sql).toContain(
      '(coalesce("s1"."properties" @> $6::jsonb, false) AND coalesce((CASE WHEN jsonb_typeof("s1"."properties" -> $7) = \'string\' THEN "s1"."properties" ->> $8 END) = $9, false))',
    );
    expect(property.parameters.slice(5, 9)).toEqual(['{"feature":"export"}', 'feature', 'feature', 'export']);
    // Not equality, or not of a string field: the typed read alone, as before.
    expect(compiled(rule('plan != "pro"', 'account')).sql).not.toContain('@>');
    expect(compiled(rule('mrr = 1000', 'account')).sql).not.toContain('@>');

    const dated = compiled(rule('signed_up_at within last 14 days', 'person'));
    expect(dated.sql).toContain('AND "ti1"."at" >= $5::timestamptz AND "ti1"."at" <= $6::timestamptz))');
    expect(dated.sql).not.toContain('coalesce');
  });

  it('scope every table they read to the workspace and never inline a user value, for any rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Target>('person', 'account').chain((t) => ruleArbitrary(t)),
        async (r) => {
          // Give every user string a unique marker that may only ever travel as a parameter.
          let n = 0;
          const markers: string[] = [];
          const text = JSON.stringify(r).replace(
            /"(pro|PRO|free|enterprise|login|feature_used|invite_sent|export|reports|api|ada@acme\.com|urgent|low|high|@acme\.com|\^p|o\$)"/g,
            () => {
              const marker = `zz-marker-${n++}`;
              markers.push(marker);
              return `"${marker}"`;
            },
          );
          const marked = JSON.parse(text) as SegmentRule;
          const { sql, parameters } = compiled(marked);
          const { reads, scoped } = tenancy(sql);
          expect(scoped).toEqual(reads);
          const flat = parameters.flatMap((p) => (Array.isArray(p) ? (p as unknown[]) : [p]));
          for (const marker of markers) {
            expect(sql).not.toContain(marker);
            expect(flat).toContain(marker);
          }
          await selectRuleMembers(workspaceDb(workspaceId), marked, { workspaceId, now: new Date(testNow) }).execute();
        },
      ),
      { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 1000) / 4 },
    );
  });

  it('compile each contract sentence into a statement PostgreSQL runs', async () => {
    const sentences: Array<[string, Target]> = [
      ['email ends with "@acme.com" or not (country in ["US", "CA"])', 'person'],
      ['count(events "feature_used" where feature = "export" within last 7 days) >= 1', 'person'],
      ['last(events "login") more than 14 days ago', 'person'],
      ['count(people where did "login" within last 7 days) >= 3', 'account'],
      ['avg(tickets.csat within last 90 days) < 3', 'account'],
      ['last(surveys.nps) <= 6', 'person'],
      ['in segment "trial" and not in segment "churned"', 'account'],
      ['trial_ends_at within next 3 days', 'account'],
    ];
    for (const [text, target] of sentences) {
      const { sql } = compiled(rule(text, target));
      const { reads, scoped } = tenancy(sql);
      expect(scoped, text).toEqual(reads);
      await selectRuleMembers(workspaceDb(workspaceId), rule(text, target), { workspaceId, now: new Date(testNow) }).execute();
    }
  });
});

describe('account rollups', () => {
  it("leave people unread when the condition reads nothing of the person's row: PostgreSQL drops the join", async () => {
    const plan = async (text: string) => {
      const query = selectRuleMembers(workspaceDb(workspaceId), rule(text, 'account'), { workspaceId, now: new Date(testNow) }).compile();
      const { rows } = await workspaceDb(workspaceId).executeQuery<{ 'QUERY PLAN': string }>({
        ...query,
        sql: `EXPLAIN ${query.sql}`,
      });
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    expect(await plan('count(people where did "login" within last 7 days) >= 3')).not.toMatch(/ on people /);
    expect(await plan('any(people where in segment "vips")')).not.toMatch(/ on people /);
    // A trait of the person is read from their row.
    expect(await plan('count(people where role = "admin") >= 1')).toMatch(/ on people /);
  });
});

describe('matches', () => {
  it('sends PostgreSQL the written-out form of the pattern, as a parameter', () => {
    const { sql, parameters } = compiled(rule('nick matches "^[[:alpha:]]+\\\\d$"', 'person'));
    expect(sql).toContain(`(CASE WHEN jsonb_typeof("p"."traits" -> $2) = 'string' THEN "p"."traits" ->> $3 END) ~ $4`);
    expect(parameters).toEqual([workspaceId, 'nick', 'nick', '^(?:[A-Za-z])+[0-9]$']);
  });

  it('means the same under any collation the database may have (ICU, libc, C)', async () => {
    const { rows } = await rawSql<{
      name: string;
    }>`SELECT collname AS name FROM pg_collation WHERE collname IN ('und-x-icu', 'en-US-x-icu', 'C.utf8', 'pg_c_utf8', 'C')`.execute(
      database.db,
    );
    expect(rows.map((r) => r.name)).toContain('und-x-icu');
    for (const pattern of ['[[:alpha:]]', '^\\w+$', '\\d', '(?i)^ж', '^.$', '[[:upper:]]', '\\s']) {
      const written = postgresPattern(pattern)!;
      for (const { name } of rows) {
        const result = await rawSql<{
          value: string;
          matches: boolean;
        }>`SELECT v AS value, (v COLLATE ${rawSql.id(name)}) ~ ${written} AS matches FROM unnest(${nicks}::text[]) AS v`.execute(
          database.db,
        );
        for (const row of result.rows)
          expect(row.matches, `${pattern} on ${JSON.stringify(row.value)} under ${name}`).toBe(patternMatches(pattern, row.value));
      }
    }
  });

  it('runs a rule stored before the dialect and the duration limit: such a pattern matches no one', async () => {
    const email = { kind: 'field', scope: 'person', name: 'email', type: 'string' } as const;
    const stored: SegmentRule = {
      version: 1,
      target: 'person',
      condition: {
        kind: 'and',
        conditions: [
          { kind: 'did', event: 'login', window: { direction: 'last', amount: 99_999_999_999_999, unit: 'days' } },
          { kind: 'predicate', subject: email, operator: 'matches', operands: ['\\p{L}'] },
        ],
      },
    };
    const { sql } = compiled(stored);
    expect(sql).toContain('coalesce(false, false)');
    expect(await selectRuleMembers(workspaceDb(workspaceId), stored, { workspaceId, now: new Date(testNow) }).execute()).toEqual([]);
  });

  it('gives members and explain the same answer for [[:alpha:]] on é and on a', async () => {
    const ws = (await createWorkspace(database.db, { slug: 'alpha' })).id;
    const nickRule = rule('nick matches "^[[:alpha:]]$"', 'person');
    const ids = { a: '00000000-0000-4000-8000-00000000000a', é: '00000000-0000-4000-8000-00000000000e' };
    await workspaceDb(ws)
      .insertInto('people')
      .values(
        Object.entries(ids).map(([nick, id]) => ({
          workspace_id: ws,
          person_id: id,
          user_id: nick,
          traits: JSON.stringify({ nick }),
          trait_times: '{}',
          first_seen_at: new Date(testNow).toISOString(),
          last_seen_at: new Date(testNow).toISOString(),
        })),
      )
      .execute();
    const members = (await selectRuleMembers(workspaceDb(ws), nickRule, { workspaceId: ws, now: new Date(testNow) }).execute()).map(
      (r) => r.id,
    );
    expect(members).toEqual([ids.a]);
    for (const [nick, id] of Object.entries(ids)) {
      const record: PersonRecord = {
        id,
        columns: {},
        traits: { nick },
        accounts: [],
        events: [],
        tickets: [],
        surveys: [],
        segments: new Set(),
      };
      expect(explainRule(nickRule, record, new Date(testNow), 'UTC').member, nick).toBe(members.includes(id));
    }
  });
});
