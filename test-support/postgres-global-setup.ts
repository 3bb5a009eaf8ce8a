import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import {
  embeddedRuntimeRole,
  grantRuntimeAccess,
  migrateToLatest,
  openDatabase,
  startEmbeddedPostgres,
} from '../packages/storage/src/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The superuser, which owns the schema (migrations, direct assertions, creating databases). */
    postgresUrl: string;
    /** The runtime role `strata_app`, bound by row-level security: what the app under test uses. */
    runtimeUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run; each test file clones a migrated template database.
 * The template is migrated by the owner and grants the runtime role, as `strata start` does.
 */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, durability: 'fast' });
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE strata_template');
  await admin.end();
  const template = openDatabase(server.url.replace(/\/postgres$/, '/strata_template'));
  await migrateToLatest(template);
  await grantRuntimeAccess(template.db, embeddedRuntimeRole);
  await template.close();
  project.provide('postgresUrl', server.url);
  project.provide('runtimeUrl', server.runtimeUrl);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
