import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker } from '@strata/engine';
import { createApiKey } from '@strata/storage';
import { openBrowserApp, signInToDemo, now, seedDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';
import { basicAuth } from '../../../test-support/test-server.js';

/**
 * The segments list's activity columns as a support lead reads them, in real Chromium against a
 * real Strata with the demo data: a 30-day size line per segment, today's enters and exits, a
 * customer entering `inactive` after an event through /v1/track and the count rising, sorting by
 * entered today, and the table showing before the activity arrives (and without it when it fails).
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let writeKey: string;
let worker: LiveSegmentWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  const { demoScope } = await seedDemo(database);
  writeKey = (await createApiKey(demoScope, { name: 'segments list test', scopes: ['ingest'] })).secret;
  worker = new LiveSegmentWorker({ db: database.db, now });

  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 1000 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

const table = () => page.getByRole('table', { name: 'Segments' });
const rowOf = (key: string) =>
  table()
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: key, exact: true }) });
/** The column's cells, by its header's name. */
async function column(name: string): Promise<string[]> {
  const headers = await table().getByRole('columnheader').allTextContents();
  const index = headers.findIndex((h) => h.trim() === name);
  expect(index, `column ${name} among ${headers.join(', ')}`).toBeGreaterThanOrEqual(0);
  return table()
    .locator(`tbody tr td:nth-child(${index + 1})`)
    .allTextContents();
}
const enteredToday = async (key: string) => {
  const headers = await table().getByRole('columnheader').allTextContents();
  const text = await rowOf(key)
    .locator(`td:nth-child(${headers.findIndex((h) => h.trim() === 'Entered today') + 1})`)
    .textContent();
  return Number(text?.replace(/,/g, ''));
};
const sparklineLabel = /^Size over 30 days: [\d,]+ to [\d,]+$/;

describe('the segments list', () => {
  it('signs in and shows, per segment, its size over 30 days and today’s enters and exits', async () => {
    await signInToDemo(page, baseUrl);

    const rows = table().locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    const rowCount = await rows.count();
    // One line per row, each read out as its first and last size.
    await expect.poll(() => table().getByRole('img', { name: sparklineLabel }).count()).toBe(rowCount);
    for (const row of await rows.all()) {
      const line = row.getByRole('img', { name: sparklineLabel });
      expect(await line.locator('polyline').getAttribute('points')).toMatch(/^([\d.]+,[\d.]+ ){29}[\d.]+,[\d.]+$/);
    }
    // The line ends at the segment's size now, as the Size column says.
    const size = (await rowOf('inactive').locator('td:nth-child(4)').textContent())!.trim();
    expect(await rowOf('inactive').getByRole('img', { name: sparklineLabel }).getAttribute('aria-label')).toMatch(
      new RegExp(` to ${size}$`),
    );
    for (const name of ['Entered today', 'Exited today'])
      expect(
        (await column(name)).every((t) => /^\d[\d,]*$/.test(t.trim())),
        name,
      ).toBe(true);

    await ui.checkScreen('segments-activity');
  });

  it('counts a customer who enters inactive after an event through /v1/track in entered today', async () => {
    const before = await enteredToday('inactive');
    // Someone new, last seen 20 days ago: inactive from their first event.
    const sent = await fetch(`${baseUrl}/v1/track`, {
      method: 'POST',
      headers: { authorization: basicAuth(writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: 'list-newcomer',
        event: 'login',
        timestamp: new Date(Date.now() - 20 * 86_400_000).toISOString(),
        messageId: 'segments-list-e2e-1',
      }),
    });
    expect(sent.status, await sent.text()).toBe(200);
    await worker.drain();
    await page.reload();
    await expect.poll(() => enteredToday('inactive'), { timeout: 15_000 }).toBe(before + 1);
  });

  it('sorts by entered today, most first, and keeps the order in the URL', async () => {
    await table().getByRole('button', { name: 'Entered today' }).click();
    await expect.poll(() => page.url()).toContain('sort=enteredToday.desc');
    const sortedDescending = async () => {
      const counts = (await column('Entered today')).map((t) => Number(t.replace(/,/g, '')));
      return counts.length > 5 && counts.join() === [...counts].sort((a, b) => b - a).join();
    };
    await expect.poll(sortedDescending).toBe(true);
    expect(await table().getByRole('columnheader', { name: 'Entered today' }).getAttribute('aria-sort')).toBe('descending');
    // Again: the other way.
    await table().getByRole('button', { name: 'Entered today' }).click();
    await expect.poll(() => page.url()).toContain('sort=enteredToday.asc');
    await page.reload();
    await expect.poll(() => table().getByRole('columnheader', { name: 'Entered today' }).getAttribute('aria-sort')).toBe('ascending');
    await expect
      .poll(async () => {
        const counts = (await column('Entered today')).map((t) => Number(t.replace(/,/g, '')));
        return counts.length > 5 && counts.join() === [...counts].sort((a, b) => a - b).join();
      })
      .toBe(true);
  });

  it('shows the table before the activity arrives, and fills the lines in without moving the rows', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/segment-activity*', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${baseUrl}/segments`);
    const first = table().locator('tbody tr').first();
    await expect.poll(() => table().getByRole('img', { name: 'Loading the size over 30 days' }).count()).toBeGreaterThan(5);
    const slot = await first.getByRole('img', { name: 'Loading the size over 30 days' }).boundingBox();
    const rowBefore = await first.boundingBox();
    const tableBefore = await table().boundingBox();
    release();
    await expect.poll(() => first.getByRole('img', { name: sparklineLabel }).count()).toBe(1);
    const line = await first.getByRole('img', { name: sparklineLabel }).boundingBox();
    expect(line).toEqual(slot);
    expect(await first.boundingBox()).toEqual(rowBefore);
    expect(await table().boundingBox()).toEqual(tableBefore);
    await page.unroute('**/api/v1/segment-activity*');
  });

  it('says inline when the activity cannot be read, and keeps the table', async () => {
    await page.route('**/api/v1/segment-activity*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'NOT_READY', message: 'the database is not reachable' } }),
      }),
    );
    await page.goto(`${baseUrl}/segments`);
    const alert = page.getByRole('alert').filter({ hasText: 'Could not load the sizes over 30 days' });
    await expect.poll(() => alert.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => alert.textContent()).toContain('the database is not reachable');
    await expect.poll(() => table().locator('tbody tr').count()).toBeGreaterThan(5);
    expect(await table().getByRole('img', { name: 'Size over time not available' }).count()).toBe(
      await table().locator('tbody tr').count(),
    );
    await page.unroute('**/api/v1/segment-activity*');
    await alert.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => table().getByRole('img', { name: sparklineLabel }).count()).toBe(await table().locator('tbody tr').count());
    await expect.poll(() => alert.count()).toBe(0);
  });

  it('ran under the strict Content-Security-Policy without a violation or an uncaught error', () => {
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
