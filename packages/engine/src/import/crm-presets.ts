/** A CRM whose company export `strata import accounts` recognises by its column names. */
export interface CrmPreset {
  crm: 'salesforce' | 'hubspot';
  /** The column whose value becomes the account's groupId (the CRM's record id). */
  groupIdColumn: string;
  /** Trait to column: the standard columns under Strata's trait names, every other column under its header in snake_case. */
  fields: Record<string, string>;
  /** Traits holding a website or domain, kept as the bare domain. */
  domainTraits: string[];
  /** The record id is text even when all digits (HubSpot's are): a number would lose digits past 2^53. */
  columnTypes: Record<string, 'string'>;
}

interface PresetColumns {
  crm: CrmPreset['crm'];
  /** The trait the record id is also kept in, so later imports and rules can name it. */
  idTrait: string;
  /** Trait to the column names that CRM's exports use for it, in order of preference. */
  columns: Record<'id' | 'name' | 'domain' | 'industry' | 'employees' | 'annual_revenue' | 'owner' | 'country', string[]>;
  /** Columns only that CRM's export has, so a file with just "Id" and "Name" is not taken for one. */
  telltales: string[];
}

/**
 * Salesforce: a report export of Accounts (labels) or a Data Loader / Data Export of Account (API
 * names). HubSpot: a company view export (CRM › Companies › Export).
 */
const presets: PresetColumns[] = [
  {
    crm: 'salesforce',
    idTrait: 'salesforce_account_id',
    columns: {
      id: ['Account ID', 'Id'],
      name: ['Account Name', 'Name'],
      domain: ['Website'],
      industry: ['Industry'],
      employees: ['Employees', 'NumberOfEmployees'],
      annual_revenue: ['Annual Revenue', 'AnnualRevenue'],
      owner: ['Account Owner', 'Owner Name', 'OwnerId'],
      country: ['Billing Country', 'BillingCountry'],
    },
    telltales: ['Account ID', 'Account Name', 'Account Owner', 'NumberOfEmployees', 'AnnualRevenue', 'BillingCountry', 'OwnerId'],
  },
  {
    crm: 'hubspot',
    idTrait: 'hubspot_company_id',
    columns: {
      id: ['Record ID', 'Company ID'],
      name: ['Company name', 'Name'],
      domain: ['Company Domain Name', 'Website URL'],
      industry: ['Industry'],
      employees: ['Number of Employees'],
      annual_revenue: ['Annual Revenue'],
      owner: ['Company owner', 'Company Owner', 'HubSpot Owner'],
      country: ['Country/Region', 'Country'],
    },
    telltales: ['Record ID', 'Company ID', 'Company name', 'Company Domain Name', 'Company owner', 'Country/Region'],
  },
];

/** A header as a trait name: `Last Activity Date` is `last_activity_date`. */
export function snakeCase(header: string): string {
  return header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The preset a file's header row matches, or undefined: its id and name columns and one column only that CRM writes. */
export function detectCrmPreset(columns: readonly string[]): CrmPreset | undefined {
  const byLower = new Map(columns.map((c) => [c.trim().toLowerCase(), c]));
  const find = (names: string[]) => names.map((n) => byLower.get(n.toLowerCase())).find((c) => c !== undefined);
  for (const preset of presets) {
    const id = find(preset.columns.id);
    const name = find(preset.columns.name);
    if (!id || !name || !find(preset.telltales)) continue;
    const fields: Record<string, string> = {};
    const used = new Set<string>();
    for (const [trait, names] of Object.entries(preset.columns)) {
      const column = find(names);
      if (!column || trait === 'id') continue;
      fields[trait] = column;
      used.add(column);
    }
    fields[preset.idTrait] = id;
    used.add(id);
    for (const column of columns) {
      const trait = snakeCase(column);
      if (!used.has(column) && trait !== '' && !(trait in fields)) fields[trait] = column;
    }
    return {
      crm: preset.crm,
      groupIdColumn: id,
      fields,
      domainTraits: 'domain' in fields ? ['domain'] : [],
      columnTypes: { [id]: 'string' },
    };
  }
  return undefined;
}

/** A website as its bare domain: `https://www.Acme.com/about` is `acme.com`; text that is no URL stays as it is. */
export function domainOf(website: string): string {
  const text = website.trim();
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`).hostname.toLowerCase();
    return host.replace(/^www\./, '') || text;
  } catch {
    return text;
  }
}
