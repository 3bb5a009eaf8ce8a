import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import {
  createApiKey,
  createWorkspace,
  openDatabase,
  workspaceScope,
  type StrataDb,
  type Workspace,
} from '../packages/storage/src/index.js';

/** A fresh, migrated database of its own on the shared test PostgreSQL. */
export interface TestDatabase extends StrataDb {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('postgresUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE strata_template`);
  await admin.end();
  const url = serverUrl.replace(/\/postgres$/, `/${name}`);
  const strata = openDatabase(url);
  return {
    ...strata,
    url,
    async drop() {
      await strata.close();
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
