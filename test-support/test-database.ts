import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import {
  createApiKey,
  createWorkspace,
  openDatabase,
  workspaceScope,
  type Database,
  type StrataDb,
  type Workspace,
} from '../packages/storage/src/index.js';

/**
 * A fresh, migrated database of its own on the shared test PostgreSQL. The database itself
 * (`db`, `pool`, `url`) connects as the runtime role, bound by row-level security, like the app;
 * `owner` is the schema's owner (a superuser) for assertions that read tables directly, across
 * workspaces, and `env` is what a Strata process needs to use this database.
 */
export interface TestDatabase extends StrataDb {
  url: string;
  ownerUrl: string;
  owner: Kysely<Database>;
  env: { DATABASE_URL: string; STRATA_MIGRATION_DATABASE_URL: string };
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('postgresUrl');
  const runtimeServerUrl = inject('runtimeUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE strata_template`);
  await admin.end();
  const url = runtimeServerUrl.replace(/\/postgres$/, `/${name}`);
  const ownerUrl = serverUrl.replace(/\/postgres$/, `/${name}`);
  const strata = openDatabase(url);
  const owner = openDatabase(ownerUrl, { max: 4 });
  return {
    ...strata,
    url,
    ownerUrl,
    owner: owner.db,
    env: { DATABASE_URL: url, STRATA_MIGRATION_DATABASE_URL: ownerUrl },
    async drop() {
      await strata.close();
      await owner.close();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A workspace with a write key, a read key and an admin key. */
export interface TestWorkspace {
  workspace: Workspace;
  writeKey: string;
  readKey: string;
  adminKey: string;
}

export async function createTestWorkspace(strata: StrataDb, slug = `ws-${randomBytes(4).toString('hex')}`): Promise<TestWorkspace> {
  const workspace = await createWorkspace(strata.db, { slug });
  const make = async (scopes: Array<'ingest' | 'read' | 'admin'>) =>
    (
      await createApiKey(
        workspaceScope(strata.db, workspace.id, () => new Date()),
        { name: 'test', scopes },
      )
    ).secret;
  return { workspace, writeKey: await make(['ingest']), readKey: await make(['read']), adminKey: await make(['admin']) };
}
