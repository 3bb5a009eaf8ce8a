import type { Page } from 'playwright-core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSegmentWorker } from '@strata/engine';
import { createApiKey } from '@strata/storage';
import { openBrowserApp, signInToDemo, now, seedDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';
import { basicAuth } from '../../../test-support/test-server.js';

/**
 * The segment page as a support lead uses it, in real Chromium against a real Strata with the
 * demo data: find the `inactive` segment, read its size over time, open a member and see why
 * they are in it, look back to a past day, and watch a customer enter live after an event
 * arrives through /v1/track.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let writeKey: string;
let worker: LiveSegmentWorker;
/** A person of the demo with an email who is not in `inactive`. */
let outsider: { userId: string; email: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const { demo, demoScope } = await seedDemo(database);
  writeKey = (await createApiKey(demoScope, { name: 'segment page test', scopes: ['ingest'] })).secret;
  worker = new LiveSegmentWorker({ db: database.db, now });
  const found = await sql<{ userId: string; email: string }>`
    SELECT p.user_id AS "userId", p.traits ->> 'email' AS email FROM people p
    WHERE p.workspace_id = ${demo.id} AND p.user_id IS NOT NULL AND p.traits ->> 'email' LIKE '%@%'
      AND NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.workspace_id = p.workspace_id AND m.segment_key = 'inactive' AND m.member_id = p.person_id)
    ORDER BY p.user_id LIMIT 1`.execute(database.owner);
  outsider = found.rows[0]!;

  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 1000 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

const checkScreen = (name: string) => ui.checkScreen(name, { waitFor: 'load' });

const members = () => page.getByRole('table', { name: 'Members of inactive' });
const explanation = () => page.getByRole('region', { name: /^Explanation for / });
const feed = () => page.getByRole('region', { name: 'Live feed' });

describe('the segment page', () => {
  it('signs in, switches to the demo workspace and opens the inactive segment', async () => {
    await signInToDemo(page, baseUrl);

    await page.getByLabel('Search segments').fill('inactive');
    await page.getByRole('table', { name: 'Segments' }).getByRole('link', { name: 'inactive', exact: true }).click();
    await page.waitForURL(`${baseUrl}/segments/inactive`);
    await expect.poll(() => page.getByRole('heading', { name: 'Inactive', level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => members().getByRole('row').count()).toBeGreaterThan(2);
    // The chosen traits are columns, filled from each member's profile.
    await expect.poll(() => members().getByRole('columnheader', { name: 'email' }).isVisible()).toBe(true);
    await expect.poll(() => members().locator('tbody tr').first().textContent()).toMatch(/@/);
  });

  it('draws the size over the last 30 days', async () => {
    const chart = page.getByRole('region', { name: 'Size over time' });
    await expect.poll(() => chart.locator('canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => chart.getByText(/^Size over the last 30 days: .* today;/).isVisible()).toBe(true);
  });

  it('opens a member and shows why they are in it, each condition with its value', async () => {
    const first = members().locator('tbody tr').first().getByRole('button');
    const id = (await first.textContent())!;
    await first.click();
    await expect.poll(() => page.url()).toContain(`member=${encodeURIComponent(id)}`);
    await expect
      .poll(() =>
        explanation()
          .getByRole('heading', { name: `Why is ${id} in?` })
          .isVisible(),
      )
      .toBe(true);
    await expect
      .poll(() =>
        explanation()
          .getByText(new RegExp(`^${id} is in inactive since `))
          .isVisible(),
      )
      .toBe(true);
    const condition = explanation().getByRole('listitem').filter({ hasText: 'last_seen_at more than 14 days ago' }).first();
    await expect.poll(() => condition.textContent()).toMatch(/^holds/);
    // The value read: when they were last seen.
    await expect.poll(() => condition.textContent()).toMatch(/last_seen_at = "\d{4}-\d\d-\d\dT[^"]+", needs more than 14 days ago/);
    await checkScreen('segment-page');

    // A deep link keeps the member open after a reload.
    await page.reload();
    await expect
      .poll(
        () =>
          explanation()
            .getByRole('heading', { name: `Why is ${id} in?` })
            .isVisible(),
        { timeout: 10_000 },
      )
      .toBe(true);
  });

  it('finds a member by email and opens why they are in it', async () => {
    const row = members().locator('tbody tr').nth(1);
    const id = (await row.getByRole('button').textContent())!;
    const email = (await row.locator('td').filter({ hasText: '@' }).first().textContent())!;
    const search = page.getByRole('textbox', { name: 'Find a member by id or email', exact: true });
    await search.fill(email.toUpperCase());
    await search.press('Enter');
    await expect
      .poll(() =>
        explanation()
          .getByRole('heading', { name: `Why is ${id} in?` })
          .isVisible(),
      )
      .toBe(true);
    await expect.poll(() => page.url()).toContain(`member=${encodeURIComponent(id)}`);
    await expect.poll(() => page.getByRole('status', { name: 'Search result' }).textContent()).toContain('member since');
  });

  it('says clearly when the customer found is not a member, with a link to their page', async () => {
    const search = page.getByRole('textbox', { name: 'Find a member by id or email', exact: true });
    await search.fill(outsider.email);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const result = page.getByRole('status', { name: 'Search result' });
    await expect.poll(() => result.textContent()).toContain(`${outsider.userId}${outsider.email}`);
    await expect.poll(() => result.getByText('is not a member of inactive').isVisible()).toBe(true);
    await result.getByRole('button', { name: `Why is ${outsider.userId} out?` }).click();
    await expect
      .poll(() =>
        explanation()
          .getByRole('heading', { name: `Why is ${outsider.userId} out?` })
          .isVisible(),
      )
      .toBe(true);
    await checkScreen('segment-page-search');
    await result.getByRole('link', { name: `Open ${outsider.userId}'s page` }).click();
    await page.waitForURL(`${baseUrl}/people/${encodeURIComponent(outsider.userId)}`);
    await page.goBack();
    await page.waitForURL(/\/segments\/inactive/);

    await search.fill('nobody-like-this');
    await search.press('Enter');
    await expect
      .poll(() => result.textContent())
      .toBe('No person whose id, email or name starts with \u201cnobody-like-this\u201d in this workspace.');
  });

  it('lists the members as of a past day, and goes back to now', async () => {
    await page.getByRole('textbox', { name: 'As of (end of day, UTC)' }).fill('2000-01-01');
    await expect.poll(() => page.getByRole('heading', { name: 'Nobody was in inactive on 2000-01-01' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Back to now' }).click();
    await expect.poll(() => members().getByRole('row').count()).toBeGreaterThan(2);
  });

  it('shows a customer entering live after an event arrives through /v1/track, with its cause', async () => {
    await expect.poll(() => feed().getByText('live', { exact: true }).isVisible()).toBe(true);
    // Someone new, last seen 20 days ago: inactive from their first event (the engine reports the
    // new profile's traits as the cause).
    const sent = await fetch(`${baseUrl}/v1/track`, {
      method: 'POST',
      headers: { authorization: basicAuth(writeKey), 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: 'live-newcomer',
        event: 'login',
        timestamp: new Date(Date.now() - 20 * 86_400_000).toISOString(),
        messageId: 'segment-page-e2e-1',
      }),
    });
    expect(sent.status, await sent.text()).toBe(200);
    await worker.drain();
    const entered = feed().getByRole('listitem').filter({ hasText: 'live-newcomer' });
    await expect
      .poll(() => entered.textContent(), { timeout: 15_000 })
      .toMatch(/^entered\s*live-newcomer\s*(traits changed|event "login") · /);
    await checkScreen('segment-live-feed');

    await entered.getByRole('button', { name: 'Why did live-newcomer enter?' }).click();
    await expect.poll(() => explanation().getByRole('heading', { name: 'Why is live-newcomer in?' }).isVisible()).toBe(true);
  });

  it('ran under the strict Content-Security-Policy without a violation or an uncaught error', () => {
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
