import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRule, type SegmentRule } from '@strata/core';
import {
  createWorkspace,
  enableWorkspaceRowLevelSecurity,
  ensureEventPartitions,
  globalWorkspaceTables,
  inWorkspaceTransaction,
  openDatabase,
  selectRuleMembers,
  setWorkspaceSql,
  workspaceMatchSql,
  workspacePolicyName,
  workspaceScope,
  type Database,
} from '@strata/storage';
import { testNow, testSchema } from '../../../test-support/segment-arbitraries.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Tenant isolation in the database: the app connects as a role bound by row-level security,
 * and each statement sees only the workspace its scope sets (`app.workspace_id`).
 */

let database: TestDatabase;
let owner: Kysely<Database>;
let a: string;
let b: string;
const clock = () => new Date(testNow);

beforeAll(async () => {
  database = await createTestDatabase();
  owner = database.owner;
  a = (await createWorkspace(database.db, { slug: 'rls-a' })).id;
  b = (await createWorkspace(database.db, { slug: 'rls-b' })).id;
  // Each workspace has people; A's pro plans are the segment's members.
  for (const [workspace, prefix] of [
    [a, 'a'],
    [b, 'b'],
  ] as const)
    await sql`
      INSERT INTO people (workspace_id, person_id, user_id, traits, first_seen_at, last_seen_at)
      SELECT ${workspace}::uuid, gen_random_uuid(), ${prefix} || '-' || i, jsonb_build_object('plan', CASE WHEN i % 2 = 0 THEN 'pro' ELSE 'free' END), now(), now()
      FROM generate_series(1, 10) i`.execute(owner);
});
afterAll(async () => {
  await database.drop();
});

const rule = (text: string): SegmentRule => {
  const result = validateRule(text, { target: 'person', schema: testSchema() });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.rule;
};

/** Runs the compiled statement as the runtime role in one transaction, with `app.workspace_id` set to `setting` (or not set). */
async function runAsRuntime(compiled: { sql: string; parameters: readonly unknown[] }, setting: string | undefined) {
  const client = await database.pool.connect();
  try {
    await client.query(setting === undefined ? 'BEGIN' : `BEGIN; ${setWorkspaceSql(setting)}`);
    const result = await client.query(compiled.sql, [...compiled.parameters]);
    await client.query('COMMIT');
    return result.rows as Array<{ id: string; externalId: string }>;
  } finally {
    client.release();
  }
}

describe('the compiled segment SQL under row-level security', () => {
  const membersOfA = () => selectRuleMembers(database.db, rule('plan = "pro"'), { workspaceId: a, now: new Date(testNow) }).compile();

  it('returns the members with the right app.workspace_id', async () => {
    const rows = await runAsRuntime(membersOfA(), a);
    expect(rows.map((r) => r.externalId).sort()).toEqual(['a-10', 'a-2', 'a-4', 'a-6', 'a-8']);
  });

  it('returns nothing with the wrong app.workspace_id, and nothing without one', async () => {
    expect(await runAsRuntime(membersOfA(), b)).toEqual([]);
    expect(await runAsRuntime(membersOfA(), undefined)).toEqual([]);
  });

  it('returns through a workspace scope only that workspace, whatever the statement asks', async () => {
    const all = await workspaceScope(database.db, b, clock).db.selectFrom('people').select('user_id').execute();
    expect(all.map((r) => r.user_id).every((id) => id?.startsWith('b-'))).toBe(true);
    expect(all).toHaveLength(10);
    const members = await selectRuleMembers(workspaceScope(database.db, b, clock).db, rule('plan = "pro"'), {
      workspaceId: a,
      now: new Date(testNow),
    }).execute();
    expect(members).toEqual([]);
    // The runtime role outside any scope sees no workspace's rows.
    expect(await database.db.selectFrom('people').select('user_id').execute()).toEqual([]);
  });

  it('still finds a workspace by index: the setting is a stable expression', async () => {
    // A few thousand rows over many workspaces, so one workspace is a small part of the table.
    const many: string[] = [];
    for (let i = 0; i < 20; i++) many.push((await createWorkspace(database.db, { slug: `rls-many-${i}` })).id);
    await sql`
      INSERT INTO people (workspace_id, person_id, user_id, traits, first_seen_at, last_seen_at)
      SELECT w, gen_random_uuid(), 'm-' || i, jsonb_build_object('plan', 'pro'), now(), now()
      FROM unnest(${many}::uuid[]) w, generate_series(1, 250) i`.execute(owner);
    await sql`ANALYZE people`.execute(owner);
    const compiled = selectRuleMembers(database.db, rule('plan = "pro"'), { workspaceId: many[3]!, now: new Date(testNow) }).compile();
    const client = await database.pool.connect();
    try {
      await client.query(`BEGIN; ${setWorkspaceSql(many[3]!)}`);
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]);
      await client.query('COMMIT');
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
      expect(text).not.toMatch(/Seq Scan on people/);
    } finally {
      client.release();
    }
  });
});

describe('writes', () => {
  it("are refused for another workspace's rows (WITH CHECK)", async () => {
    const scope = workspaceScope(database.db, a, clock);
    const insert = (workspace: string) =>
      scope.db
        .insertInto('people')
        .values({
          workspace_id: workspace,
          person_id: crypto.randomUUID(),
          user_id: 'intruder',
          traits: '{}',
          trait_times: '{}',
          first_seen_at: clock(),
          last_seen_at: clock(),
        })
        .execute();
    await expect(insert(b)).rejects.toMatchObject({ code: '42501' });
    await insert(a);
    // Moving a row to another workspace is a write to it, refused alike.
    await expect(scope.db.updateTable('people').set({ workspace_id: b }).where('user_id', '=', 'intruder').execute()).rejects.toMatchObject(
      {
        code: '42501',
      },
    );
  });

  it("cannot touch another workspace's rows: updates and deletes see none of them", async () => {
    const scope = workspaceScope(database.db, a, clock);
    const deleted = await scope.db.deleteFrom('people').where('workspace_id', '=', b).executeTakeFirst();
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM people WHERE workspace_id = ${b}`.execute(owner);
    expect(left.rows[0]!.n).toBe(10);
  });
});

describe('the setting', () => {
  it('leaves with the transaction: a connection back in the pool has no app.workspace_id', async () => {
    const single = openDatabase(database.url, { max: 1 });
    try {
      const setting = async () =>
        (await single.pool.query<{ v: string | null }>(`SELECT current_setting('app.workspace_id', true) AS v`)).rows[0]!.v ?? '';
      const scope = workspaceScope(single.db, a, clock);
      expect(await scope.db.selectFrom('people').select('user_id').limit(1).execute()).toHaveLength(1);
      expect(await setting()).toBe('');
      await inWorkspaceTransaction(scope, async (tx) => {
        const inside = await sql<{ v: string }>`SELECT current_setting('app.workspace_id', true) AS v`.execute(tx.db);
        expect(inside.rows[0]!.v).toBe(a);
      });
      expect(await setting()).toBe('');
      await expect(sql`SELECT 1 / 0`.execute(scope.db)).rejects.toThrow();
      expect(await setting()).toBe('');
      await expect(inWorkspaceTransaction(scope, () => Promise.reject(new Error('rolled back')))).rejects.toThrow('rolled back');
      expect(await setting()).toBe('');
    } finally {
      await single.close();
    }
  });

  it('is not a scope of one workspace made on a transaction of another', async () => {
    await inWorkspaceTransaction(workspaceScope(database.db, a, clock), (tx) => {
      expect(workspaceScope(tx.db, a, clock).db).toBe(tx.db);
      expect(() => workspaceScope(tx.db, b, clock)).toThrow(/inWorkspaceTransaction/);
      return Promise.resolve();
    });
  });
});

interface TableSecurity {
  name: string;
  rls: boolean;
  forced: boolean;
  policies: string[];
}

/** Every table of schema public with a workspace_id column that is not global, and how it is secured. */
async function workspaceTables(db: Kysely<Database>): Promise<TableSecurity[]> {
  const rows = await sql<TableSecurity>`
    SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
      coalesce((SELECT array_agg(p.polname || ': ' || pg_get_expr(p.polqual, p.polrelid) || ' / ' || pg_get_expr(p.polwithcheck, p.polrelid) ORDER BY p.polname)
        FROM pg_policy p WHERE p.polrelid = c.oid), '{}') AS policies
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL(${[...globalWorkspaceTables]}::text[])
    ORDER BY 1`.execute(db);
  return rows.rows;
}

/** What keeps a workspace table from being isolated: RLS off, not FORCEd, or not exactly the workspace policy. */
function isolationProblems(tables: readonly TableSecurity[], expectedPolicy: string): string[] {
  return tables.flatMap((t) => [
    ...(t.rls ? [] : [`${t.name}: row-level security is not enabled`]),
    ...(t.forced ? [] : [`${t.name}: row-level security is not FORCEd`]),
    ...(t.policies.length === 1 && t.policies[0] === expectedPolicy ? [] : [`${t.name}: policies ${JSON.stringify(t.policies)}`]),
  ]);
}

describe('the catalog', () => {
  /** The policy as PostgreSQL prints it back, read from a table known to have it. */
  const expectedPolicy = async () => (await workspaceTables(owner)).find((t) => t.name === 'people')!.policies[0]!;

  it('has FORCEd row-level security with the workspace policy on every table with workspace_id but the global ones', async () => {
    const tables = await workspaceTables(owner);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['people', 'events', 'segment_members', 'segment_work']));
    expect(await expectedPolicy()).toMatch(new RegExp(`^${workspacePolicyName}: .*current_setting\\('app\\.workspace_id'::text, true\\)`));
    expect(isolationProblems(tables, await expectedPolicy())).toEqual([]);
    expect(workspaceMatchSql).toContain("current_setting('app.workspace_id', true)");
  });

  it('covers the partitions of events made later, which the runtime role makes through the owner', async () => {
    await ensureEventPartitions(workspaceScope(database.db, a, clock).db, ['2031-07']);
    const partition = (await workspaceTables(owner)).filter((t) => t.name === 'events_2031_07');
    expect(partition).toHaveLength(1);
    expect(isolationProblems(partition, await expectedPolicy())).toEqual([]);
  });

  it('reports a table a migration adds without calling enableWorkspaceRowLevelSecurity, and passes once it does', async () => {
    const policy = await expectedPolicy();
    const rollback = new Error('rollback');
    await owner
      .transaction()
      .execute(async (tx) => {
        await sql`CREATE TABLE audit_notes (workspace_id uuid NOT NULL, note text)`.execute(tx);
        expect(isolationProblems(await workspaceTables(tx), policy)).toEqual([
          'audit_notes: row-level security is not enabled',
          'audit_notes: row-level security is not FORCEd',
          'audit_notes: policies []',
        ]);
        expect(await enableWorkspaceRowLevelSecurity(tx as unknown as Kysely<unknown>)).toContain('audit_notes');
        expect(isolationProblems(await workspaceTables(tx), policy)).toEqual([]);
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
  });
});
