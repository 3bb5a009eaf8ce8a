import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '@strata/storage';
import { strataBin } from '../../../test-support/strata-process.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

const run = promisify(execFile);
const fixtures = join(import.meta.dirname, '../../../test-support/fixtures/crm');

let database: TestDatabase;
let workspace: Workspace;

beforeAll(async () => {
  database = await createTestDatabase();
  workspace = await createWorkspace(database.db, { slug: 'default' });
});
afterAll(async () => {
  await database.drop();
});

async function importAccounts(file: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [strataBin(), 'import', 'accounts', join(fixtures, file)], {
      env: { ...process.env, ...database.env },
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

async function traitsOf(groupId: string) {
  const row = await database.owner
    .selectFrom('accounts')
    .select('traits')
    .where('workspace_id', '=', workspace.id)
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return row.traits;
}

describe('strata import accounts with a CRM export and no flags', () => {
  it('imports a Salesforce Accounts export by its standard columns', async () => {
    const result = await importAccounts('salesforce-accounts.csv');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('recognised a Salesforce company export: groupId <- "Account ID"');
    expect(result.stderr).toMatch(/3 rows: 3 stored, 0 already imported, 0 bad/);
    expect(await traitsOf('0015g00000XyZ1aAAB')).toEqual({
      name: 'Northwind Traders',
      domain: 'northwind.example',
      industry: 'Retail',
      employees: 250,
      annual_revenue: 12500000,
      owner: 'Dana Reyes',
      country: 'United States',
      salesforce_account_id: '0015g00000XyZ1aAAB',
      type: 'Customer - Direct',
    });
    expect(await traitsOf('0015g00000XyZ3cAAB')).toMatchObject({ domain: 'initech.example', name: 'Initech' });
    expect(await traitsOf('0015g00000XyZ3cAAB')).not.toHaveProperty('employees');
    const again = await importAccounts('salesforce-accounts.csv');
    expect(again.stderr).toMatch(/3 rows: 0 stored, 3 already imported, 0 bad/);
  });

  it('imports a HubSpot companies export by its standard columns', async () => {
    const result = await importAccounts('hubspot-companies.csv');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('recognised a HubSpot company export: groupId <- "Record ID"');
    expect(await traitsOf('9876543211')).toEqual({
      name: 'Stark Logistics',
      domain: 'stark.example',
      industry: 'LOGISTICS_AND_SUPPLY_CHAIN',
      employees: 540,
      annual_revenue: 61000000,
      owner: 'Lee Park',
      country: 'United States',
      hubspot_company_id: '9876543211',
      lifecycle_stage: 'opportunity',
    });
  });
});
