import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner, trainChurnModelTask } from '@strata/engine';
import { now, openBrowserApp, seedDemo, signInToDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Churn risk as a customer-success lead meets it, in real Chromium against a real Strata with the
 * demo data: the churn model page trains the model and shows its quality on a later period (AUC,
 * Brier, lift, calibration chart, warnings), then an account's page shows its risk and top reasons.
 * Each screen passes axe and is photographed.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let runner: JobRunner;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database);
  runner = new JobRunner({
    db: database.db,
    pool: database.pool,
    now,
    tasks: { [trainChurnModelTask.name]: trainChurnModelTask },
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

describe('churn risk in the web UI', () => {
  it('signs in and opens the demo workspace', async () => {
    await signInToDemo(page, baseUrl);
  });

  it('trains the churn model and shows its quality on a later period', async () => {
    await page.goto(`${baseUrl}/health/churn-model`);
    const training = page.getByRole('region', { name: 'Training' });
    await expect.poll(() => training.getByRole('status').textContent()).toContain('Not trained yet');
    await training.getByRole('button', { name: 'Train now' }).click();
    await expect.poll(() => page.getByText('Training queued').isVisible()).toBe(true);
    await expect.poll(() => training.getByRole('status').textContent(), { timeout: 120_000 }).toMatch(/^Version 1, \d+ accounts scored/);

    const quality = page.getByRole('table', { name: 'Churn model quality' });
    await expect.poll(() => quality.getByRole('row').filter({ hasText: 'ROC AUC' }).textContent()).toMatch(/ROC AUC0\.\d{3}/);
    // The demo company is small: the page says the numbers are not to be trusted yet, and why.
    await expect.poll(() => page.getByText('Do not trust these numbers yet').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('img', { name: /^Calibration by decile: decile 1/ }).isVisible()).toBe(true);
    await ui.checkScreen('churn-model', { waitFor: 'load' });
  });

  it("shows an account's churn risk with its top reasons", async () => {
    const riskiest = await database.owner
      .selectFrom('churn_scores as c')
      .innerJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'c.workspace_id').onRef('a.account_id', '=', 'c.account_id'))
      .select(['a.group_id', 'c.probability'])
      .orderBy('c.probability', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await page.goto(`${baseUrl}/accounts/${riskiest.group_id}`);
    const risk = page.getByRole('region', { name: 'Churn risk' });
    await expect.poll(() => risk.textContent()).toContain(`${(riskiest.probability * 100).toFixed(1)}%`);
    const reasons = risk.getByRole('table', { name: 'Top reasons for the churn risk' });
    await expect.poll(() => reasons.getByRole('row').count()).toBe(6);
    await expect.poll(() => reasons.textContent()).toMatch(/(raises|lowers) the odds/);
    await ui.checkScreen('account-churn-risk', { waitFor: 'load' });
  });

  it('ran under the strict Content-Security-Policy without a violation or an uncaught error', () => {
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
