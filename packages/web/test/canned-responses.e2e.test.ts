import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserApp, seedDemo, signInToDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Canned responses as a support lead and an agent meet them, in real Chromium against a real
 * Strata with the demo data: the lead writes a response in Settings › Canned responses and
 * previews it for a customer, then the agent opens that customer's ticket, finds it among the
 * suggestions rendered for them, and copies it. Each screen passes axe and is photographed.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let customer: { userId: string; name: string; subject: string; word: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const { demo } = await seedDemo(database);
  // An open ticket with a subject, from a person with a name: the response is written to match it.
  const row = await database.owner
    .selectFrom('people as p')
    .innerJoin('tickets as t', (j) => j.onRef('t.workspace_id', '=', 'p.workspace_id').onRef('t.person_id', '=', 'p.person_id'))
    .select(['p.user_id', 't.subject', sql<string>`p.traits ->> 'name'`.as('name')])
    .where('p.workspace_id', '=', demo.id)
    .where('t.is_open', '=', true)
    .where('t.subject', 'is not', null)
    .where(sql<boolean>`p.traits ? 'name'`)
    // The person's newest ticket, so it is on the first page of their tickets.
    .where(
      sql<boolean>`t.created_at = (SELECT max(n.created_at) FROM tickets n WHERE n.workspace_id = t.workspace_id AND n.person_id = t.person_id)`,
    )
    .orderBy('p.user_id')
    .limit(1)
    .executeTakeFirstOrThrow();
  // The subject's longest word is one BM25 will match (no stop word is that long).
  const word = row
    .subject!.toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .sort((a, b) => b.length - a.length)[0]!;
  customer = { userId: row.user_id!, name: row.name, subject: row.subject!, word };
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 900 }, clipboard: true });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

// Runs in the page, where navigator exists; the test's own types are Node's.
const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');

describe('canned responses in the web UI', () => {
  it('signs in and opens the demo workspace', async () => {
    await signInToDemo(page, baseUrl);
  });

  it('writes a canned response with a preview rendered for a chosen customer', async () => {
    await page.goto(`${baseUrl}/settings/canned-responses`);
    await expect.poll(() => page.getByText('No canned responses yet.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'New response' }).click();
    const editor = page.getByRole('form', { name: 'New canned response' });
    await editor.getByLabel('Key').fill('about-the-ticket');
    await editor.getByLabel('Title').fill(`About your ${customer.word} question`);
    await editor.getByLabel('Body').fill('Hi {{ person.name }}, thanks for writing about {{ person.shoe_size }}this. We are on it.');
    await editor.getByLabel("Customer's userId").fill(customer.userId);
    await editor.getByRole('button', { name: 'Render preview' }).click();
    await expect
      .poll(() => editor.getByLabel('Rendered preview').textContent())
      .toBe(`Hi ${escapeHtml(customer.name)}, thanks for writing about this. We are on it.`);
    await ui.checkScreen('settings-canned-responses');
    await editor.getByRole('button', { name: 'Save response' }).click();
    await expect.poll(() => page.getByText('Canned response saved').isVisible()).toBe(true);
    const list = page.getByRole('table', { name: 'Canned responses' });
    await expect.poll(() => list.getByRole('row').filter({ hasText: 'about-the-ticket' }).textContent()).toContain('any customer');
  });

  it('refuses a template that does not parse, saying where', async () => {
    await page.getByRole('button', { name: 'New response' }).click();
    const editor = page.getByRole('form', { name: 'New canned response' });
    await editor.getByLabel('Key').fill('broken');
    await editor.getByLabel('Title').fill('Broken');
    await editor.getByLabel('Body').fill('Hi {{ person.name');
    await editor.getByRole('button', { name: 'Save response' }).click();
    await expect.poll(() => editor.getByRole('alert').textContent()).toMatch(/does not parse.*line 1, column 4/);
    await editor.getByRole('button', { name: 'Close' }).click();
  });

  it("suggests it on the customer's ticket, rendered for them, and copies it", async () => {
    await page.goto(`${baseUrl}/people/${customer.userId}`);
    const ticketRow = page
      .getByRole('region', { name: 'Tickets', exact: true })
      .getByRole('row')
      .filter({ hasText: customer.subject })
      // Only open tickets offer suggestions; an older, solved one may share the subject.
      .filter({ has: page.getByRole('button', { name: `Suggestions for ${customer.subject}` }) })
      .first();
    await ticketRow.getByRole('button', { name: `Suggestions for ${customer.subject}` }).click();
    const suggestions = page.getByRole('list', { name: `Suggested responses for ${customer.subject}` });
    const item = suggestions.getByRole('listitem').filter({ hasText: `About your ${customer.word} question` });
    await expect.poll(() => item.textContent()).toContain(`matched "${customer.word}"`);
    // The demo's tickets come by e-mail, the web form or chat: the name is escaped exactly when the channel is HTML.
    const greeting = `Hi (${escapeRegExp(customer.name)}|${escapeRegExp(escapeHtml(customer.name))}), thanks`;
    await expect.poll(() => item.textContent()).toMatch(new RegExp(greeting));
    const copy = item.getByRole('button', { name: new RegExp(`^(Copy|Copied) About your ${escapeRegExp(customer.word)} question$`) });
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('Copied');
    await expect.poll(clipboard).toMatch(new RegExp(`^${greeting}`));
    await ui.checkScreen('customer-ticket-suggestions');
  });

  it('ran under the strict Content-Security-Policy without a violation or an uncaught error', () => {
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
