import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * The schema must stay distributable on Citus by `workspace_id`. Citus enforces a primary key,
 * unique index or exclusion constraint only when it holds the distribution column; a foreign key
 * between distributed tables only when it pairs the distribution columns (same position on both
 * sides) and neither sets them to NULL/DEFAULT on delete nor changes them on update; a foreign
 * key from a distributed table to a reference table is fine, the other way round is not.
 *
 * Every table of the fully migrated schema is read from the catalog, so a table a later
 * migration adds is checked without editing this file: it is either listed below as global
 * or it must be ready to distribute. docs/operations.md ("Scaling out") must name every table.
 */

/** Global tables: reference tables on Citus (one copy on every node). Each with why it is global. */
const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  kysely_migration: 'the migrations applied to the whole database, not to one workspace',
  kysely_migration_lock: "the migrator's lock row, one for the whole database",
  workspaces: 'the tenants themselves; every workspace table references it',
  api_keys: 'a request finds its workspace by the key: unique secret_hash is looked up before the workspace is known',
  integrations: 'a provider webhook finds its workspace by the URL token: unique url_token is looked up before the workspace is known',
  strata_timezones: "the tz database's zone names calendar windows accept, the same for every workspace",
  users: 'a person signs in once for every workspace they belong to: unique email across workspaces',
  user_sessions: 'a request finds its workspace by the session cookie: unique token_hash is looked up before the workspace is known',
  user_invitations: 'an invitation link finds its workspace by its token: unique token_hash is looked up before the workspace is known',
  password_resets: 'a reset belongs to a user, who is global, and is found by its token hash',
  setup_tokens: 'the first-start setup link is found by its token hash before any user exists',
  login_failures: 'sign-in throttling counts by email and address, before any workspace is known',
};

/**
 * Schemas that stay local to the Citus coordinator, neither distributed nor reference tables. The
 * job queue (graphile-worker) is one: its workers lock rows with SKIP LOCKED and call its own
 * functions, which only a local table serves, and jobs are small, short-lived rows.
 */
const COORDINATOR_SCHEMAS: Readonly<Record<string, string>> = {
  graphile_worker: 'the job queue; every process takes jobs from it on the coordinator',
};

const DISTRIBUTION_COLUMN = 'workspace_id';
const DISTRIBUTION_TYPE = 'uuid';

/** Ordinary and partitioned tables `c` (in namespace `n`) of every user schema, but not the tables of extensions. */
const isUserTable = sql`c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname <> ALL(${Object.keys(COORDINATOR_SCHEMAS)}::text[]) AND NOT starts_with(n.nspname, 'pg_toast') AND NOT starts_with(n.nspname, 'pg_temp')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

interface TableRow {
  name: string;
  root: string;
}
interface ColumnRow {
  table: string;
  type: string;
  not_null: boolean;
}
interface UniqueIndexRow {
  table: string;
  index: string;
  has_column: boolean;
}
interface ForeignKeyRow {
  table: string;
  constraint: string;
  referenced: string;
  paired: boolean;
  on_update: string;
  on_delete: string;
}

/**
 * What keeps the schema from being distributed by workspace_id with `referenceTables` as
 * reference tables: one message per problem, empty when the schema is ready.
 */
async function distributionProblems(db: Kysely<unknown>, referenceTables: Readonly<Record<string, string>>): Promise<string[]> {
  // A partition counts as its root: Citus distributes a partitioned table as a whole.
  const tables = await sql<TableRow>`
    SELECT c.oid::regclass::text AS name, coalesce(pg_partition_root(c.oid), c.oid)::regclass::text AS root
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${isUserTable}
    ORDER BY 1`.execute(db);
  const columns = await sql<ColumnRow>`
    SELECT attrelid::regclass::text AS table, atttypid::regtype::text AS type, attnotnull AS not_null
    FROM pg_attribute WHERE attname = ${DISTRIBUTION_COLUMN} AND attnum > 0 AND NOT attisdropped`.execute(db);
  // Primary keys, unique indexes and constraints, exclusion constraints; INCLUDE columns are not keys.
  const uniqueIndexes = await sql<UniqueIndexRow>`
    SELECT i.indrelid::regclass::text AS table, i.indexrelid::regclass::text AS index,
      EXISTS (SELECT 1 FROM generate_series(0, i.indnkeyatts - 1) k JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k]
              WHERE a.attname = ${DISTRIBUTION_COLUMN}) AS has_column
    FROM pg_index i WHERE i.indisunique OR i.indisexclusion
    ORDER BY 2`.execute(db);
  // Foreign keys as declared (not the copies PostgreSQL makes for each partition).
  const foreignKeys = await sql<ForeignKeyRow>`
    SELECT con.conrelid::regclass::text AS table, con.conname AS constraint, con.confrelid::regclass::text AS referenced,
      EXISTS (SELECT 1 FROM generate_subscripts(con.conkey, 1) s
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[s]
              JOIN pg_attribute b ON b.attrelid = con.confrelid AND b.attnum = con.confkey[s]
              WHERE a.attname = ${DISTRIBUTION_COLUMN} AND b.attname = ${DISTRIBUTION_COLUMN}) AS paired,
      con.confupdtype AS on_update, con.confdeltype AS on_delete
    FROM pg_constraint con WHERE con.contype = 'f' AND con.conparentid = 0
    ORDER BY 2`.execute(db);

  const rootOf = new Map(tables.rows.map((t) => [t.name, t.root]));
  const isReference = (table: string) => Object.hasOwn(referenceTables, rootOf.get(table) ?? table);
  const problems: string[] = [];
  for (const name of Object.keys(referenceTables))
    if (!tables.rows.some((t) => t.name === name)) problems.push(`${name}: listed as a reference table but does not exist`);

  const distributed = tables.rows.filter((t) => !isReference(t.name)).map((t) => t.name);
  const distributedSet = new Set(distributed);
  for (const table of distributed) {
    const column = columns.rows.find((c) => c.table === table);
    if (!column) problems.push(`${table}: no ${DISTRIBUTION_COLUMN} column (add one, or list the table as a reference table)`);
    else {
      if (column.type !== DISTRIBUTION_TYPE) problems.push(`${table}: ${DISTRIBUTION_COLUMN} is ${column.type}, not ${DISTRIBUTION_TYPE}`);
      if (!column.not_null) problems.push(`${table}: ${DISTRIBUTION_COLUMN} may be NULL`);
    }
  }
  for (const index of uniqueIndexes.rows)
    if (distributedSet.has(index.table) && !index.has_column)
      problems.push(`${index.table}: unique index ${index.index} leaves ${DISTRIBUTION_COLUMN} out of its key`);
  for (const fk of foreignKeys.rows) {
    if (!rootOf.has(fk.table)) continue;
    const from = distributedSet.has(fk.table) ? 'distributed' : 'reference';
    const to = distributedSet.has(fk.referenced) ? 'distributed' : 'reference';
    if (from === 'reference' && to === 'distributed')
      problems.push(`${fk.table}: foreign key ${fk.constraint} from a reference table to the distributed table ${fk.referenced}`);
    if (from === 'distributed' && to === 'distributed') {
      if (!fk.paired)
        problems.push(
          `${fk.table}: foreign key ${fk.constraint} to ${fk.referenced} does not pair ${DISTRIBUTION_COLUMN} with ${DISTRIBUTION_COLUMN}`,
        );
      // 'n' SET NULL, 'd' SET DEFAULT, 'c' CASCADE (see pg_constraint).
      if (['n', 'd'].includes(fk.on_delete))
        problems.push(`${fk.table}: foreign key ${fk.constraint} sets ${DISTRIBUTION_COLUMN} on delete`);
      if (['n', 'd', 'c'].includes(fk.on_update))
        problems.push(`${fk.table}: foreign key ${fk.constraint} changes ${DISTRIBUTION_COLUMN} on update`);
    }
  }
  return problems;
}

/** The tables to distribute by workspace_id: every root table not listed as a reference table. */
async function distributedTables(db: Kysely<unknown>): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${isUserTable} AND NOT c.relispartition
    ORDER BY 1`.execute(db);
  return tables.rows.map((t) => t.name).filter((name) => !Object.hasOwn(REFERENCE_TABLES, name));
}

/** Runs `body` in a transaction that is always rolled back, so its tables never outlive it. */
async function inRolledBackTransaction<T>(db: Kysely<unknown>, body: (tx: Kysely<unknown>) => Promise<T>): Promise<T> {
  const rollback = new Error('rollback');
  let result: T | undefined;
  await db
    .transaction()
    .execute(async (tx) => {
      result = await body(tx);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return result as T;
}

let database: TestDatabase;
let db: Kysely<unknown>;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.owner as Kysely<unknown>;
});
afterAll(async () => {
  await database.drop();
});

describe('the schema can be distributed by workspace_id', () => {
  it('every table is a listed reference table or keeps workspace_id in every key', async () => {
    expect(await distributionProblems(db, REFERENCE_TABLES)).toEqual([]);
    expect(await distributedTables(db)).toContain('events'); // the check reads the real schema
  });

  it('reports tables a migration could add that Citus could not distribute, and a listed table that is gone', async () => {
    const problems = await inRolledBackTransaction(db, async (tx) => {
      await sql`
        CREATE TABLE ready_notes (
          workspace_id uuid NOT NULL REFERENCES workspaces ON DELETE CASCADE,
          note_id uuid NOT NULL,
          person_id uuid,
          PRIMARY KEY (workspace_id, note_id),
          FOREIGN KEY (workspace_id, person_id) REFERENCES people ON DELETE CASCADE
        );
        CREATE TABLE no_workspace (id uuid PRIMARY KEY);
        CREATE TABLE text_workspace (workspace_id text PRIMARY KEY);
        CREATE TABLE nullable_workspace (workspace_id uuid, id uuid, UNIQUE (workspace_id, id));
        CREATE TABLE global_key (workspace_id uuid NOT NULL, id uuid PRIMARY KEY);
        CREATE TABLE global_email (workspace_id uuid NOT NULL, id uuid NOT NULL, email text, PRIMARY KEY (workspace_id, id));
        CREATE UNIQUE INDEX global_email_email ON global_email (email) INCLUDE (workspace_id);
        CREATE TABLE crossed_fk (
          workspace_id uuid NOT NULL, person_id uuid NOT NULL,
          PRIMARY KEY (workspace_id, person_id),
          CONSTRAINT crossed FOREIGN KEY (person_id, workspace_id) REFERENCES people (workspace_id, person_id)
        );
        CREATE TABLE nulling_fk (
          workspace_id uuid NOT NULL, id uuid NOT NULL, person_id uuid,
          PRIMARY KEY (workspace_id, id),
          CONSTRAINT nulling FOREIGN KEY (workspace_id, person_id) REFERENCES people ON DELETE SET NULL ON UPDATE CASCADE
        );
        ALTER TABLE workspaces ADD COLUMN owner_id uuid,
          ADD CONSTRAINT workspaces_owner FOREIGN KEY (workspace_id, owner_id) REFERENCES people;
        CREATE TABLE timed (workspace_id uuid NOT NULL, at timestamptz NOT NULL, id bigint NOT NULL, PRIMARY KEY (at, id)) PARTITION BY RANGE (at);
        CREATE TABLE timed_2026 PARTITION OF timed FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE TABLE stamped (workspace_id uuid NOT NULL, at timestamptz NOT NULL, id bigint NOT NULL, PRIMARY KEY (workspace_id, at, id)) PARTITION BY RANGE (at);
        CREATE TABLE stamped_2026 PARTITION OF stamped FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE UNIQUE INDEX stamped_2026_id ON stamped_2026 (id);
      `.execute(tx);
      return distributionProblems(tx, { ...REFERENCE_TABLES, retired_lookup: 'a table a later migration dropped' });
    });
    expect(problems.sort()).toEqual(
      [
        'retired_lookup: listed as a reference table but does not exist',
        'no_workspace: no workspace_id column (add one, or list the table as a reference table)',
        'no_workspace: unique index no_workspace_pkey leaves workspace_id out of its key',
        'text_workspace: workspace_id is text, not uuid',
        'nullable_workspace: workspace_id may be NULL',
        'global_key: unique index global_key_pkey leaves workspace_id out of its key',
        'global_email: unique index global_email_email leaves workspace_id out of its key',
        'crossed_fk: foreign key crossed to people does not pair workspace_id with workspace_id',
        'nulling_fk: foreign key nulling sets workspace_id on delete',
        'nulling_fk: foreign key nulling changes workspace_id on update',
        'workspaces: foreign key workspaces_owner from a reference table to the distributed table people',
        'timed: unique index timed_pkey leaves workspace_id out of its key',
        'timed_2026: unique index timed_2026_pkey leaves workspace_id out of its key',
        'stamped_2026: unique index stamped_2026_id leaves workspace_id out of its key',
      ].sort(),
    );
  });
});

describe('the reference tables', () => {
  it('are listed because they could not be distributed: their global lookups leave workspace_id out', async () => {
    const rest = Object.fromEntries(Object.entries(REFERENCE_TABLES).filter(([name]) => name !== 'api_keys' && name !== 'integrations'));
    expect(await distributionProblems(db, rest)).toEqual([
      'api_keys: unique index api_keys_secret_hash leaves workspace_id out of its key',
      'integrations: unique index integrations_url_token_key leaves workspace_id out of its key',
    ]);
  });
});

describe('docs/operations.md "Scaling out"', () => {
  const doc = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
  const steps = [
    ...doc.matchAll(/SELECT (create_reference_table|create_distributed_table)\('(\w+)'(?:, '(\w+)')?(?:, colocate_with => '(\w+)')?\);/g),
  ].map(([, call, table, column, colocateWith]) => ({ call, table: table!, column, colocateWith }));

  it('distributes every workspace table by workspace_id, co-located, and makes every global table a reference table', async () => {
    const reference = steps.filter((s) => s.call === 'create_reference_table').map((s) => s.table);
    const distributed = steps.filter((s) => s.call === 'create_distributed_table');
    expect(reference.sort()).toEqual(Object.keys(REFERENCE_TABLES).sort());
    expect(distributed.map((s) => s.table).sort()).toEqual((await distributedTables(db)).sort());
    expect(distributed.every((s) => s.column === DISTRIBUTION_COLUMN)).toBe(true);
    const [first, ...rest] = distributed;
    expect(first?.colocateWith).toBeUndefined();
    expect(rest.filter((s) => s.colocateWith !== first?.table)).toEqual([]);
  });

  it('runs the steps in dependency order: a table comes after every table it references', async () => {
    const position = new Map(steps.map((s, i) => [s.table, i]));
    const references = await sql<{ table: string; referenced: string }>`
      SELECT conrelid::regclass::text AS table, confrelid::regclass::text AS referenced
      FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 AND conrelid <> confrelid`.execute(db);
    const outOfOrder = references.rows
      .filter((r) => position.has(r.table) && position.has(r.referenced))
      .filter((r) => position.get(r.referenced)! > position.get(r.table)!)
      .map((r) => `${r.table} before ${r.referenced}`);
    expect(outOfOrder).toEqual([]);
  });
});
