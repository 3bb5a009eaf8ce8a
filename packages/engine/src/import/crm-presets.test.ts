import { describe, expect, it } from 'vitest';
import { detectCrmPreset, domainOf, snakeCase } from './crm-presets.js';

describe('detectCrmPreset', () => {
  it('recognises a Salesforce Accounts report export and maps its standard columns', () => {
    const preset = detectCrmPreset([
      'Account ID',
      'Account Name',
      'Website',
      'Industry',
      'Employees',
      'Annual Revenue',
      'Account Owner',
      'Billing Country',
      'Type',
    ]);
    expect(preset).toEqual({
      crm: 'salesforce',
      groupIdColumn: 'Account ID',
      fields: {
        name: 'Account Name',
        domain: 'Website',
        industry: 'Industry',
        employees: 'Employees',
        annual_revenue: 'Annual Revenue',
        owner: 'Account Owner',
        country: 'Billing Country',
        salesforce_account_id: 'Account ID',
        type: 'Type',
      },
      domainTraits: ['domain'],
      columnTypes: { 'Account ID': 'string' },
    });
  });

  it('recognises a Salesforce Data Loader export by its API names', () => {
    const preset = detectCrmPreset(['Id', 'Name', 'Website', 'NumberOfEmployees', 'AnnualRevenue', 'OwnerId', 'BillingCountry']);
    expect(preset).toMatchObject({ crm: 'salesforce', groupIdColumn: 'Id', fields: { employees: 'NumberOfEmployees', owner: 'OwnerId' } });
  });

  it('recognises a HubSpot companies export', () => {
    const preset = detectCrmPreset([
      'Record ID',
      'Company name',
      'Company Domain Name',
      'Number of Employees',
      'Country/Region',
      'Create Date',
    ]);
    expect(preset).toMatchObject({
      crm: 'hubspot',
      groupIdColumn: 'Record ID',
      fields: { name: 'Company name', domain: 'Company Domain Name', hubspot_company_id: 'Record ID', create_date: 'Create Date' },
    });
  });

  it('takes no other file for a CRM export', () => {
    expect(detectCrmPreset(['Id', 'Name', 'plan'])).toBeUndefined();
    expect(detectCrmPreset(['account_id', 'account_name', 'industry', 'country'])).toBeUndefined();
  });
});

it('keeps websites as bare domains and headers as snake_case traits', () => {
  expect(domainOf('https://www.Acme.com/about')).toBe('acme.com');
  expect(domainOf('globex.io')).toBe('globex.io');
  expect(domainOf('not a url')).toBe('not a url');
  expect(snakeCase('Last Activity Date')).toBe('last_activity_date');
  expect(snakeCase('NumberOfEmployees')).toBe('number_of_employees');
});
