import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserApp, seedDemo, signInToDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Health as a customer-success lead meets it, in real Chromium against a real Strata with the demo
 * data: the models with their editor, the score distribution and the value x health scatter, a
 * model saved as a new version, and an account's score with what each measure adds. Each screen
 * passes axe and is photographed.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database);
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 900 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

const region = (name: string) => page.getByRole('region', { name, exact: true });

describe('health in the web UI', () => {
  it('signs in and opens the demo workspace', async () => {
    await signInToDemo(page, baseUrl);
  });

  it('shows the models, the score distribution and the quadrant of every account', async () => {
    await page.getByRole('link', { name: 'Health' }).click();
    await page.waitForURL(`${baseUrl}/health`);
    const models = page.getByRole('table', { name: 'Health models' });
    await expect.poll(() => models.getByRole('row').count(), { timeout: 60_000 }).toBe(3);
    await expect.poll(() => models.textContent()).toContain('Account health (default)');
    // The 100 demo accounts, scored on first look, split over the quadrants.
    const perQuadrant = page.getByRole('table', { name: 'Accounts per quadrant' });
    await expect.poll(() => perQuadrant.isVisible(), { timeout: 120_000 }).toBe(true);
    const counts = (await perQuadrant.getByRole('row').allTextContents()).slice(1).map((row) => Number(/(\d+)$/.exec(row)?.[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100);
    await expect.poll(() => page.getByRole('img', { name: /100 accounts by value and health/ }).isVisible()).toBe(true);
    const bins = (await page.getByRole('table', { name: 'Accounts by health score' }).getByRole('row').allTextContents()).slice(1);
    expect(bins).toHaveLength(10);
    await ui.checkScreen('health-models');
  });

  it('saves an edited model as a new version and recomputes its history', async () => {
    const weight = page.getByRole('textbox', { name: 'Weight of CSAT (90 days)' });
    await weight.fill('30');
    // The preview scores the accounts under the edit before anything is saved, beside the saved scores.
    await expect
      .poll(() => page.getByText(/^100 of 100 accounts scored; \d+ would change band\./).isVisible(), { timeout: 90_000 })
      .toBe(true);
    const previewBins = (await page.getByRole('table', { name: 'Scores with the edit and now' }).getByRole('row').allTextContents()).slice(
      1,
    );
    expect(previewBins).toHaveLength(10);
    // Once the edit's preview has come back: the saved model's column counts every account too.
    const savedColumn = async () =>
      (
        await page.getByRole('table', { name: 'Scores with the edit and now' }).locator('tbody tr td:nth-child(3)').allTextContents()
      ).reduce((sum, cell) => sum + Number(cell), 0);
    await expect.poll(savedColumn, { timeout: 90_000 }).toBe(100);
    await expect.poll(() => page.getByText('scoring…').count(), { timeout: 90_000 }).toBe(0);
    await ui.checkScreen('health-model-preview', { waitFor: 'load' });
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await expect.poll(() => page.getByText('Account health saved').isVisible(), { timeout: 30_000 }).toBe(true);
    const defaultRow = page.getByRole('table', { name: 'Health models' }).getByRole('row').filter({ hasText: '(default)' });
    await expect.poll(() => defaultRow.textContent(), { timeout: 30_000 }).toMatch(/1(running|done)/);

    const expression = page.getByRole('textbox', { name: 'Expression of CSAT (90 days)' });
    await expression.fill('avg(surveys.csatt within last 90 days)');
    // The mistake shows under the expression as it is typed, and saving waits until it is fixed.
    await expect.poll(() => expression.getAttribute('aria-invalid'), { timeout: 30_000 }).toBe('true');
    const describedBy = (await expression.getAttribute('aria-describedby')) ?? '';
    const message = await page.locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`).textContent();
    expect(message).toMatch(/csatt/);
    expect(await page.getByRole('button', { name: 'Save as a new version' }).isDisabled()).toBe(true);
    await expression.fill('avg(surveys.csat within last 90 days)');
    await expect.poll(() => expression.getAttribute('aria-invalid'), { timeout: 30_000 }).not.toBe('true');
    expect(await page.getByRole('button', { name: 'Save as a new version' }).isDisabled()).toBe(false);
  });

  it("shows an account's score, band, trend and each measure's part", async () => {
    const row = await database.owner.selectFrom('accounts').select('group_id').orderBy('group_id').limit(1).executeTakeFirstOrThrow();
    await page.goto(`${baseUrl}/accounts/${row.group_id}`);
    const health = region('Health');
    await expect.poll(() => health.getByRole('table', { name: 'Health measures' }).isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => health.getByRole('table', { name: 'Health measures' }).getByRole('row').count()).toBe(9);
    await expect.poll(() => health.textContent()).toMatch(/(rising|falling|steady) over 30 days/);
    // Each measure's part as a bar, read out as points of 100.
    expect(await health.getByRole('progressbar', { name: / adds \d+(\.\d)? of 100 points$/ }).count()).toBe(8);
    await ui.checkScreen('account-health');
    // Its lifecycle stage: the stage segment that holds it, or none.
    const stage = await database.owner
      .selectFrom('segment_members as m')
      .innerJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'm.workspace_id').onRef('a.account_id', '=', 'm.member_id'))
      .select('m.segment_key')
      .where('a.group_id', '=', row.group_id)
      .where('m.segment_key', 'like', 'lifecycle-%')
      .executeTakeFirst();
    const badge = page.getByLabel('Lifecycle stage');
    await expect
      .poll(() => badge.textContent())
      .toBe(stage ? `stage: ${stage.segment_key.slice('lifecycle-'.length)}` : 'no lifecycle stage');
  });

  it('edits the lifecycle stage rules in Settings: the order they are tried in', async () => {
    await page.goto(`${baseUrl}/settings/lifecycle`);
    await expect.poll(() => page.getByRole('textbox', { name: /^Rule of the .* stage$/ }).count(), { timeout: 60_000 }).toBe(7);
    await page.getByRole('button', { name: 'Move renewal up' }).click();
    await page.getByRole('button', { name: 'Save lifecycle stages' }).click();
    await expect.poll(() => page.getByText('Lifecycle stages saved').isVisible(), { timeout: 60_000 }).toBe(true);
    const saved = await database.owner
      .selectFrom('workspaces')
      .select('lifecycle_stages')
      .where('slug', '=', 'demo')
      .executeTakeFirstOrThrow();
    const order = (saved.lifecycle_stages as Array<{ stage: string }>).map((s) => s.stage);
    expect(order.indexOf('renewal')).toBe(order.indexOf('expansion') - 1);
    await ui.checkScreen('lifecycle-settings');
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
