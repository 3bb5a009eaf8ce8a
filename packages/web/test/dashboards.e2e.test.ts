import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserApp, seedDemo, signInToDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Dashboards as a support-operations lead meets them, in real Chromium against a real Strata with
 * the demo data: the largest segments' KPIs beside the workspace, one KPI over time, the overlap
 * heatmap and the warnings. The screen passes axe and is photographed (segment-analytics.png).
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

describe('dashboards in the web UI', () => {
  it('signs in and opens the demo workspace', async () => {
    await signInToDemo(page, baseUrl);
  });

  it('shows the segments side by side, a KPI over time, the overlap and the warnings', async () => {
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.waitForURL(`${baseUrl}/dashboards`);
    const kpis = page.getByRole('table', { name: 'Segment KPIs' });
    await expect.poll(() => kpis.isVisible(), { timeout: 120_000 }).toBe(true);
    // A header and one row per KPI; a column per compared segment and one for the workspace.
    await expect.poll(() => kpis.getByRole('row').count()).toBe(10);
    const header = await kpis.getByRole('row').first().allTextContents();
    expect(header.join(' ')).toMatch(/^Metric.*Workspace$/);
    expect(await kpis.getByRole('row').filter({ hasText: 'Size' }).textContent()).toMatch(/\d/);

    const trend = region('KPI over time');
    await expect
      .poll(() => trend.getByRole('img', { name: /^Size of .+ per day for 30 days; today \d/ }).isVisible(), { timeout: 60_000 })
      .toBe(true);
    await trend.getByRole('textbox', { name: 'Metric' }).click();
    await page.getByRole('option', { name: 'CSAT, average' }).click();
    await expect
      .poll(() => trend.getByRole('img', { name: /^CSAT, average of .+ per day for 30 days/ }).isVisible(), { timeout: 60_000 })
      .toBe(true);

    const overlap = region('Overlap');
    await expect
      .poll(() => overlap.getByRole('img', { name: /^Overlap of \d+ person segments; most alike: / }).isVisible(), { timeout: 60_000 })
      .toBe(true);

    // The demo's segments are read by nothing yet: each is `unused`, with its message.
    const warnings = page.getByRole('table', { name: 'Segmentation warnings' });
    await expect.poll(() => warnings.isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => warnings.textContent()).toMatch(/unusednothing reads segment "/);
    await ui.checkScreen('segment-analytics');
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });

  it('suggests account segments from the data and creates one in a click; exports a segment as CSV', async () => {
    const suggestions = region('Suggested segments');
    await suggestions.getByRole('button', { name: 'Suggest' }).click();
    const table = suggestions.getByRole('table', { name: 'Suggested segments' });
    await expect.poll(() => table.isVisible(), { timeout: 120_000 }).toBe(true);
    expect(await table.getByRole('row').count()).toBeGreaterThan(2);
    await table
      .getByRole('button', { name: /^Create segment / })
      .first()
      .click();
    const open = table.getByRole('link', { name: /^Open / });
    await expect.poll(() => open.count(), { timeout: 60_000 }).toBe(1);
    const key = (await open.textContent())!.slice('Open '.length);
    const segment = await page.request.get(`${baseUrl}/api/v1/segments/${key}`);
    expect(segment.status()).toBe(200);
    await ui.checkScreen('suggested-segments', { waitFor: 'load' });

    const exported = region('Export a segment');
    const link = exported.getByRole('link', { name: /^Download .+\.csv$/ });
    const href = await link.getAttribute('href');
    const csv = await page.request.get(`${baseUrl}${href}`);
    expect(csv.status(), await csv.text()).toBe(200);
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^id,entered_at/);
  });

  it('shows a viewer the dashboards without the export, which needs people:export', async () => {
    // The owner invites a viewer to demo with the session the page holds; the viewer signs in by the link.
    const invited = await page.evaluate(async () => {
      const response = await fetch('/api/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'viewer@example.com', role: 'viewer' }),
      });
      return { status: response.status, body: (await response.json()) as { inviteUrl: string } };
    });
    expect(invited.status).toBe(201);
    await page.goto(invited.body.inviteUrl);
    await page.getByRole('textbox', { name: 'Password' }).fill('the viewer passphrase');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/segments`);
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.waitForURL(`${baseUrl}/dashboards`);
    await expect.poll(() => region('Suggested segments').isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByRole('table', { name: 'Segment KPIs' }).isVisible(), { timeout: 120_000 }).toBe(true);
    expect(await region('Export a segment').count()).toBe(0);
    // The page's own request, with the viewer's session: the server refuses it too.
    const refused = await page.request.get(`${baseUrl}/api/v1/segments/inactive/members.csv`);
    expect(refused.status()).toBe(403);
  });
});
