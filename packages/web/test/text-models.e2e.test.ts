import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner, trainTextModelsTask } from '@strata/engine';
import { now, openBrowserApp, seedDemo, signInToDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Ticket intelligence as a support lead meets it, in real Chromium against a real Strata with the
 * demo data: an agent corrects a ticket's sentiment on the customer's page (topics and language
 * beside it), then the Text models settings show the model next to the lexicon, train it with
 * progress, and edit the topic keyword rules. Each screen passes axe and is photographed.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let runner: JobRunner;
let customer: { userId: string; subject: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const { demo } = await seedDemo(database);
  const row = await database.owner
    .selectFrom('people as p')
    .innerJoin('tickets as t', (j) => j.onRef('t.workspace_id', '=', 'p.workspace_id').onRef('t.person_id', '=', 'p.person_id'))
    .select(['p.user_id', 't.subject'])
    .where('p.workspace_id', '=', demo.id)
    .where('t.subject', 'is not', null)
    .where('t.sentiment_label', 'is not', null)
    .where(sql<boolean>`cardinality(t.topics) > 0`)
    .orderBy('p.user_id')
    .limit(1)
    .executeTakeFirstOrThrow();
  customer = { userId: row.user_id!, subject: row.subject! };
  runner = new JobRunner({
    db: database.db,
    pool: database.pool,
    now,
    tasks: { [trainTextModelsTask.name]: trainTextModelsTask },
    services: { post: () => Promise.reject(new Error('no network in this test')) },
  });
  await runner.start();
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 900 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await ui?.close();
  await database?.drop();
});

const region = (name: string) => page.getByRole('region', { name, exact: true });

describe('ticket intelligence in the web UI', () => {
  it('signs in and opens the demo workspace', async () => {
    await signInToDemo(page, baseUrl);
  });

  it("lets an agent correct a ticket's sentiment, with its language and topics beside it", async () => {
    await page.goto(`${baseUrl}/people/${customer.userId}`);
    const ticketRow = region('Tickets').getByRole('row').filter({ hasText: customer.subject }).first();
    await expect.poll(() => ticketRow.isVisible()).toBe(true);
    await expect.poll(() => ticketRow.textContent()).toMatch(/% sure|language/);
    await expect
      .poll(() => ticketRow.getByText(/^(billing|bug|how-to|account-access|cancellation|feature-request)$/).count())
      .toBeGreaterThan(0);

    const current = (await ticketRow
      .getByText(/^(negative|neutral|positive)$/)
      .first()
      .textContent())!;
    const corrected = current === 'negative' ? 'positive' : 'negative';
    await ticketRow.getByRole('button', { name: `Correct sentiment of ${customer.subject}` }).click();
    await page.getByRole('menuitem', { name: corrected }).click();
    await expect.poll(() => page.getByText('Sentiment corrected').isVisible()).toBe(true);
    await expect.poll(() => ticketRow.textContent()).toContain('set by an agent');
    await expect.poll(() => ticketRow.getByText(corrected, { exact: true }).isVisible()).toBe(true);
    await ui.checkScreen('customer-ticket-sentiment');
  });

  it('shows the sentiment model next to the lexicon and trains it with progress', async () => {
    await page.goto(`${baseUrl}/settings/text-models`);
    const model = page.getByRole('region', { name: 'Sentiment model' });
    await expect.poll(() => model.getByText('Not trained yet').isVisible()).toBe(true);
    await model.getByRole('checkbox', { name: 'Re-score open tickets with it' }).check();
    await model.getByRole('button', { name: 'Train now' }).click();
    await expect.poll(() => page.getByText('Training queued').isVisible()).toBe(true);
    // The demo's CSAT answers and the correction above are the labels.
    await expect
      .poll(() => model.getByRole('status').textContent(), { timeout: 120_000 })
      .toMatch(/^(Trained on \d+ labels|Too few labels so far)/);
    const quality = model.getByRole('table', { name: 'Sentiment quality, lexicon and model' });
    const labelled = quality.getByRole('row').filter({ hasText: 'Labelled messages' });
    await expect.poll(() => labelled.textContent()).toMatch(/Labelled messages\d+/);
    // The topic classifier ran too: the demo's tickets carry topic tags such as "billing" and "bug".
    const topics = page.getByRole('region', { name: 'Topic classifier' });
    await expect
      .poll(() =>
        topics
          .getByRole('table', { name: 'Topic quality, keyword rules and classifier' })
          .getByRole('row')
          .filter({ hasText: 'Tagged tickets' })
          .textContent(),
      )
      .toMatch(/Tagged tickets\d+/);
    await ui.checkScreen('settings-text-models', { waitFor: 'load' });
  });

  it('edits the topic keyword rules', async () => {
    const rules = page.getByRole('form', { name: 'Topic rules' });
    await rules.getByRole('button', { name: 'Add a topic' }).click();
    await rules.getByLabel('Topic', { exact: true }).last().fill('shipping');
    await rules.getByLabel('Keywords of shipping').fill('parcel, tracking number');
    await rules.getByRole('button', { name: 'Save topic rules' }).click();
    await expect.poll(() => page.getByText('Topic rules saved').isVisible()).toBe(true);
    await page.reload();
    await expect
      .poll(() => page.getByRole('form', { name: 'Topic rules' }).getByLabel('Keywords of shipping').inputValue())
      .toBe('parcel, tracking number');
  });

  it('ran under the strict Content-Security-Policy without a violation or an uncaught error', () => {
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
