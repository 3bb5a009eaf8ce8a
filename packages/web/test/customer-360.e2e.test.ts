import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserApp, signInToDemo, seedDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * The customer 360 as a support agent meets it, in real Chromium against a real Strata with the
 * demo data: find a customer by email from the header, open them, read their traits, timeline,
 * tickets and segments (and why they are in one), then open their account. Each screen is checked
 * with axe-core and photographed (light theme) into docs/screenshots.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
/** A demo person with tickets and a segment, and what the page should show of them. */
let customer: { userId: string; name: string; email: string; groupId: string; accountName: string; subject: string; segment: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const { demo } = await seedDemo(database);
  // Someone with a ticket, in a segment, and in an account: the page then has something in every section.
  const row = await database.owner
    .selectFrom('people as p')
    .innerJoin('tickets as t', (j) => j.onRef('t.workspace_id', '=', 'p.workspace_id').onRef('t.person_id', '=', 'p.person_id'))
    .innerJoin('segment_members as m', (j) => j.onRef('m.workspace_id', '=', 'p.workspace_id').onRef('m.member_id', '=', 'p.person_id'))
    .innerJoin('person_accounts as pa', (j) => j.onRef('pa.workspace_id', '=', 'p.workspace_id').onRef('pa.person_id', '=', 'p.person_id'))
    .innerJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'pa.workspace_id').onRef('a.account_id', '=', 'pa.account_id'))
    .select([
      'p.user_id',
      sql<string>`p.traits ->> 'name'`.as('name'),
      sql<string>`p.traits ->> 'email'`.as('email'),
      'a.group_id',
      sql<string>`a.traits ->> 'name'`.as('account_name'),
      't.subject',
      'm.segment_key',
    ])
    .where('p.workspace_id', '=', demo.id)
    .where('t.subject', 'is not', null)
    .orderBy('p.user_id')
    .orderBy('t.created_at', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  customer = {
    userId: row.user_id!,
    name: row.name,
    email: row.email,
    groupId: row.group_id,
    accountName: row.account_name,
    subject: row.subject!,
    segment: row.segment_key,
  };

  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 900 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

const checkScreen = (name: string) => ui.checkScreen(name);

const region = (name: string) => page.getByRole('region', { name, exact: true });

describe('the customer 360', () => {
  it('signs in and opens the demo workspace', async () => {
    await signInToDemo(page, baseUrl);
  });

  it('finds the customer by the start of their email from the header search', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type(customer.email.slice(0, customer.email.indexOf('@') + 1).toUpperCase());
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/customers\?q=/);
    const found = page.getByRole('table', { name: 'Customers found' });
    await expect.poll(() => found.getByRole('link', { name: customer.name }).isVisible()).toBe(true);
    await expect.poll(() => found.getByText(customer.email).isVisible()).toBe(true);
    await checkScreen('customer-search');

    await page.getByLabel('Customer search').fill('nobody-by-this-name');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'No customer matches “nobody-by-this-name”' }).isVisible()).toBe(true);
    await page.goBack();
    await found.getByRole('link', { name: customer.name }).click();
    await page.waitForURL(`${baseUrl}/people/${customer.userId}`);
  });

  it("shows the person's traits, accounts, segments, tickets and timeline", async () => {
    await expect.poll(() => page.getByRole('heading', { name: customer.name, level: 1 }).isVisible()).toBe(true);
    const traits = region('Traits').getByRole('table', { name: 'Traits' });
    await expect.poll(() => traits.getByRole('row').filter({ hasText: 'email' }).textContent()).toContain(customer.email);
    await expect.poll(() => region('Accounts and billing').getByRole('link', { name: customer.accountName }).isVisible()).toBe(true);
    await expect.poll(() => region('Tickets').getByText(customer.subject).first().isVisible()).toBe(true);
    // Every ticket row has a sentiment and a language the server derived from its words.
    const firstTicket = region('Tickets').getByRole('row').nth(1);
    await expect.poll(() => firstTicket.textContent()).toMatch(/(negative|neutral|positive)\s*-?\d\.\d\d/);
    const timeline = region('Timeline').getByRole('table', { name: 'Timeline' });
    await expect.poll(() => timeline.getByRole('row').count()).toBeGreaterThan(5);
    const rowsBefore = await timeline.getByRole('row').count();
    await region('Timeline').getByRole('button', { name: 'Show older events' }).click();
    await expect.poll(() => timeline.getByRole('row').count()).toBeGreaterThan(rowsBefore);

    const segments = region('Segments');
    await expect.poll(() => segments.getByRole('link', { name: customer.segment, exact: true }).isVisible()).toBe(true);
    await segments.getByRole('button', { name: `Why in ${customer.segment}?` }).click();
    await expect.poll(() => segments.getByText('The rule says in now').isVisible()).toBe(true);
    await expect.poll(() => segments.getByText('holds').first().isVisible()).toBe(true);
    await checkScreen('customer-person');
  });

  it('opens their account: billing, people, tickets and timeline', async () => {
    await region('Accounts and billing').getByRole('link', { name: customer.accountName }).click();
    await page.waitForURL(`${baseUrl}/accounts/${customer.groupId}`);
    await expect.poll(() => page.getByRole('heading', { name: customer.accountName, level: 1 }).isVisible()).toBe(true);
    const billing = region('Billing').getByRole('table', { name: 'Billing traits' });
    await expect.poll(() => billing.getByRole('row').filter({ hasText: 'subscription_status' }).isVisible()).toBe(true);
    await expect.poll(() => billing.getByRole('row').filter({ hasText: 'plan' }).isVisible()).toBe(true);
    await expect.poll(() => region('People').getByRole('link', { name: customer.name }).isVisible()).toBe(true);
    await expect.poll(() => region('Tickets').getByText(customer.subject).first().isVisible()).toBe(true);
    await expect.poll(() => region('Timeline').getByRole('table', { name: 'Timeline' }).getByRole('row').count()).toBeGreaterThan(5);
    await checkScreen('customer-account');

    // A deep link survives a reload, and back returns to the person.
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: customer.accountName, level: 1 }).isVisible()).toBe(true);
    await page.goBack();
    await page.waitForURL(`${baseUrl}/people/${customer.userId}`);
  });

  it('says what to do for a customer that does not exist', async () => {
    await page.goto(`${baseUrl}/people/no-such-person`);
    await expect.poll(() => page.getByRole('heading', { name: 'No person “no-such-person”' }).isVisible()).toBe(true);
    await page.goto(`${baseUrl}/accounts/no-such-account`);
    await expect.poll(() => page.getByRole('heading', { name: 'No account “no-such-account”' }).isVisible()).toBe(true);
  });

  it('ran under the strict Content-Security-Policy without a violation or an uncaught error', () => {
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
