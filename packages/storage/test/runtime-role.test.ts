import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addJobs, grantRuntimeAccess, openMigratedDatabase } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * `strata start` (and the worker and CLI, through `openMigratedDatabase`) refuses a runtime role
 * that row-level security does not bind, and says how to fix it.
 */

let database: TestDatabase;
const suffix = randomBytes(4).toString('hex');
const bypassRole = `rls_bypass_${suffix}`;
const ownerRole = `rls_owner_${suffix}`;
const password = 'test-password';

/** This test database's URL as another role. */
const urlAs = (role: string) => {
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  return url.toString();
};

beforeAll(async () => {
  database = await createTestDatabase();
  await sql`CREATE ROLE ${sql.id(bypassRole)} LOGIN BYPASSRLS PASSWORD ${sql.lit(password)}`.execute(database.owner);
  await sql`CREATE ROLE ${sql.id(ownerRole)} LOGIN PASSWORD ${sql.lit(password)}`.execute(database.owner);
  for (const role of [bypassRole, ownerRole]) await grantRuntimeAccess(database.owner, role);
  await sql`ALTER TABLE segment_members OWNER TO ${sql.id(ownerRole)}`.execute(database.owner);
});
afterAll(async () => {
  for (const role of [bypassRole, ownerRole]) {
    await sql`REASSIGN OWNED BY ${sql.id(role)} TO CURRENT_USER`.execute(database.owner);
    await sql`DROP OWNED BY ${sql.id(role)}`.execute(database.owner);
  }
  await database.drop();
  // Roles belong to the cluster: any database's owner connection (the superuser) drops them.
  const other = await createTestDatabase();
  for (const role of [bypassRole, ownerRole]) await sql`DROP ROLE IF EXISTS ${sql.id(role)}`.execute(other.owner);
  await other.drop();
});

describe('the start', () => {
  it('lets processes start while others run: granting never leaves the job queue without its policy, nor fails alongside another', async () => {
    // Each start grants again (dropping and creating the job queue's policies); meanwhile running
    // processes register task names as the runtime role, which the policies let through. (The
    // policy names one role: the grants to other roles above took it from strata_app.)
    await grantRuntimeAccess(database.owner, 'strata_app');
    let done = false;
    const failures: unknown[] = [];
    const running = (async () => {
      for (let i = 0; !done; i++)
        await addJobs(database.db, [{ task: `start-race-${i}`, payload: {} }]).catch((error: unknown) => failures.push(error));
    })();
    const starts = Array.from({ length: 3 }, async () => {
      for (let i = 0; i < 15; i++) await grantRuntimeAccess(database.owner, 'strata_app').catch((error: unknown) => failures.push(error));
    });
    await Promise.all(starts);
    done = true;
    await running;
    expect(failures.map(String)).toEqual([]);
  });

  it('opens the runtime role (strata_app) with the owner migrating', async () => {
    const { strata, applied } = await openMigratedDatabase({ runtimeUrl: database.url, ownerUrl: database.ownerUrl });
    expect(applied).toEqual([]);
    await strata.close();
  });

  const refusal = (runtimeUrl: string) =>
    openMigratedDatabase({ runtimeUrl, ownerUrl: database.ownerUrl }).then(
      async ({ strata }) => {
        await strata.close();
        return 'opened';
      },
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );

  it('refuses a superuser, and names the fix', async () => {
    const message = await refusal(database.ownerUrl);
    expect(message).toMatch(/is a superuser/);
    expect(message).toContain('CREATE ROLE strata_app LOGIN');
    expect(message).toContain('NOBYPASSRLS');
    expect(message).toContain('STRATA_MIGRATION_DATABASE_URL');
  });

  it('refuses DATABASE_URL alone when it migrates: it is the owner then', async () => {
    const message = await openMigratedDatabase({ runtimeUrl: database.ownerUrl }).catch((error: Error) => error.message);
    expect(message).toMatch(/is a superuser/);
    expect(message).toContain('STRATA_MIGRATION_DATABASE_URL');
  });

  it('refuses a role with BYPASSRLS', async () => {
    const message = await refusal(urlAs(bypassRole));
    expect(message).toMatch(new RegExp(`"${bypassRole}" has BYPASSRLS`));
    expect(message).not.toMatch(/superuser/);
  });

  it('refuses a role that owns a table, which could turn its policies off', async () => {
    const message = await refusal(urlAs(ownerRole));
    expect(message).toMatch(new RegExp(`"${ownerRole}" owns .* 1 tables, such as segment_members`));
  });
});
