import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRule, type SegmentRule, type Target } from '@strata/core';
import { createWorkspace, selectRuleMembers } from '@strata/storage';
import { ruleArbitrary, testNow, testSchema } from '../../../test-support/segment-arbitraries.js';
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

/** Every table a statement reads, and every workspace predicate it carries. */
function tenancy(sqlText: string) {
  const reads = [
    ...sqlText.matchAll(
      /\b(?:from|join)\s+"?(people|accounts|events|tickets|surveys|person_accounts|segment_members)"?\s+(?:as\s+)?"?(\w+)"?/gi,
    ),
  ].map((m) => m[2]!);
  const scoped = reads.filter((alias) => new RegExp(`"?${alias}"?\\."?workspace_id"? = \\$\\d+`).test(sqlText));
  return { reads, scoped };
}

describe('compiled statements', () => {
  it('compile a simple rule to exactly this SQL, with the values as parameters', () => {
    const { sql, parameters } = compiled(rule('plan = "pro" and mrr >= 1000', 'account'));
    expect(sql).toBe(
      'select a.account_id as "id", a.group_id as "externalId" from "accounts" as "a" where "a"."workspace_id" = $1 and (coalesce(strata_text("a"."traits" -> $2) = $3, false) AND coalesce(strata_number("a"."traits" -> $4) >= $5::numeric, false))',
    );
    expect(parameters).toEqual([workspaceId, 'plan', 'pro', 'mrr', 1000]);
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
          await selectRuleMembers(database.db, marked, { workspaceId, now: new Date(testNow) }).execute();
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
      await selectRuleMembers(database.db, rule(text, target), { workspaceId, now: new Date(testNow) }).execute();
    }
  });
});
