import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../../../test-support/browser.js';
import { openBrowserApp, owner, seedDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * The segment editor in real Chromium against a real Strata with the demo's data: a rule with a
 * mistake is underlined where it is, fixed, previewed, saved; an edit shows the dry run (who
 * would enter and leave) before it is confirmed, and the versions after.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database, { ownerIn: 'demo' });
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 900 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

// A page that polls (a backfill's progress) is never network-idle.
const checkScreen = (name: string, options: { polling?: boolean } = {}) =>
  ui.checkScreen(name, { waitFor: options.polling ? 'load' : 'networkidle' });

/** What the server itself answers for a call, with the page's session: the numbers the screen must show. */
async function serverSays<T>(method: string, path: string, body: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await response.json()) as T;
    },
    { method, path, body },
  );
}

/** People in the demo workspace: what a person segment's backfill evaluates. */
async function countPeople(): Promise<number> {
  const row = await database.owner
    .selectFrom('people')
    .innerJoin('workspaces', 'workspaces.workspace_id', 'people.workspace_id')
    .where('workspaces.slug', '=', 'demo')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Holds `segment_staging` against writes from a connection of its own until released: a
 * backfill counts its profiles, records 0 done, then waits at its first chunk's staging.
 */
async function holdStagingTable(): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: database.ownerUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE segment_staging IN SHARE MODE');
  return async () => {
    await client.query('COMMIT');
    await client.end();
  };
}

/** The machine is shared with other test runs: the screen gets 10 s to show what it should. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout?: number } = {}) => expect.poll(read, { timeout: 10_000, ...options });

const editor = () => page.locator('[data-testid="rule-editor"] .cm-content');
const underlined = () => page.locator('[data-testid="rule-editor"] .cm-lintRange-error');
const preview = () => page.getByTestId('preview');

/** Replaces the rule by typing, as a person does (select all, then type). */
async function typeRule(text: string) {
  await editor().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text, { delay: 10 });
  await page.keyboard.press('Escape'); // closes the completion list, if open
}

describe('the segment editor', () => {
  it('signs in', async () => {
    await page.goto(`${baseUrl}/segments/new`);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${baseUrl}/segments/new`);
    await poll(() => page.getByRole('heading', { name: 'New segment', level: 1 }).isVisible()).toBe(true);
  });

  it('underlines a mistake where it is, with the message and the fix, and completes field names', async () => {
    await page.getByLabel('Name').fill('Seen this month');
    await page.getByLabel('Key').fill('seen-this-month');
    await typeRule('last_seen_att within last 30 days');
    await poll(() => underlined().allTextContents()).toEqual(['last_seen_att']);
    const problems = page.getByTestId('rule-problems');
    await poll(() => problems.textContent()).toContain(
      'Line 1, column 1 (last_seen_att): unknown field "last_seen_att" - did you mean "last_seen_at"?',
    );
    await poll(() => preview().textContent()).toContain("Fix the rule's mistakes");
    expect(await page.getByRole('button', { name: 'Create segment' }).isDisabled()).toBe(true);
    await checkScreen('segment-editor-mistake');

    // Autocomplete offers the workspace's fields as the user types.
    await editor().click();
    await page.keyboard.press('End');
    await page.keyboard.type(' and signed_up', { delay: 10 });
    await poll(() =>
      page
        .getByRole('listbox')
        .getByRole('option', { name: /signed_up_at/ })
        .count(),
    ).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
  });

  it('fixes it, previews the count the server counts, and creates the segment', async () => {
    await typeRule('last_seen_att within last 30 days');
    await page.getByRole('button', { name: 'Use “last_seen_at”' }).click();
    await poll(() => editor().textContent()).toBe('last_seen_at within last 30 days');
    await poll(() => underlined().count()).toBe(0);
    await poll(() => page.getByText('No mistakes.').isVisible()).toBe(true);

    const expected = await serverSays<{ count: number; sample: { id: string }[] }>('POST', '/api/v1/segments/preview', {
      target: 'person',
      rule: 'last_seen_at within last 30 days',
    });
    expect(expected.count).toBeGreaterThan(0);
    await poll(() => preview().textContent(), { timeout: 10_000 }).toContain(`${expected.count.toLocaleString('en')} people`);
    await poll(() => preview().textContent()).toContain(expected.sample[0]!.id);
    await checkScreen('segment-editor-new');

    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.waitForURL(`${baseUrl}/segments/seen-this-month`, { timeout: 30_000 });
    await poll(() => page.getByRole('heading', { name: 'Seen this month' }).isVisible()).toBe(true);
    await poll(() => page.getByText(`${expected.count.toLocaleString('en')} members now.`).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Dismiss the notification' }).click();
    // Gone, not fading: axe would measure the contrast of text at half opacity.
    await poll(() => page.getByText('members now.').count()).toBe(0);
  });

  it('edits the rule: shows who would enter and leave, then saves a new version on confirmation', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(`${baseUrl}/segments/seen-this-month/edit`);
    await poll(() => page.getByRole('heading', { name: 'Edit Seen this month' }).isVisible()).toBe(true);
    const history = page.getByRole('region', { name: 'Version history' });
    await poll(() => history.textContent()).toContain('Version 1active');
    await poll(() => editor().textContent()).toBe('last_seen_at within last 30 days');

    const rule = 'last_seen_at within last 7 days';
    await typeRule(rule);
    await poll(() => editor().textContent()).toBe(rule);
    await poll(() => page.locator('#rule-problems').textContent()).toBe('No mistakes.');
    await page.getByRole('button', { name: 'Review changes' }).click();
    const diff = await serverSays<{ entering: number; leaving: number; staying: number; sampleLeaving: string[] }>(
      'PUT',
      '/api/v1/segments/seen-this-month',
      { rule, dryRun: true },
    );
    expect(diff.leaving).toBeGreaterThan(0);
    await poll(() => page.getByTestId('dry-run-summary').textContent()).toBe(
      `If saved now, ${diff.entering} would enter, ${diff.leaving} would leave and ${diff.staying} would stay.`,
    );
    const review = page.getByRole('region', { name: 'Review the change' });
    await poll(() => review.textContent()).toContain(diff.sampleLeaving[0]!);
    await checkScreen('segment-editor-review');

    // The demo backfills in well under a second: hold the staging table for a moment, so the
    // backfill waits after counting its profiles and the user sees its progress bar.
    const profiles = await countPeople();
    const release = await holdStagingTable();
    try {
      await page.getByRole('button', { name: 'Confirm and save version 2' }).click();
      // The bar shows under the form and in the version history (at 0 % it has no width, so
      // Playwright would not call it visible: count it).
      const bars = page.getByRole('progressbar', { name: `Building version 2: 0 of ${profiles.toLocaleString('en')} profiles evaluated` });
      await poll(() => bars.count()).toBe(2);
      await poll(() => history.getByRole('progressbar').count()).toBe(1);
      await poll(() => page.getByTestId('saving').textContent()).toContain('The current version keeps serving until this one is complete.');
      await checkScreen('segment-editor-backfill', { polling: true });
    } finally {
      await release();
    }
    await poll(() => page.getByText('Version 2 serves now.').isVisible(), { timeout: 30_000 }).toBe(true);
    await poll(() => history.textContent()).toContain('Version 2active');
    await poll(() => history.textContent()).toContain('Version 1retired');
    await poll(() => history.textContent()).toContain(rule);
    await poll(() => page.getByText(`${diff.staying + diff.entering} members now`).isVisible()).toBe(true);
  });

  it('says so when the segment does not exist, and ran without a CSP violation or page error', async () => {
    await page.goto(`${baseUrl}/segments/no-such-segment/edit`);
    await poll(() => page.getByRole('alert').filter({ hasText: 'Could not load segment' }).textContent()).toContain(
      'no segment "no-such-segment"',
    );
    // The error state (a red alert with its retry button) is readable too.
    expect(await seriousAccessibilityViolations(page), 'accessibility of the error state').toEqual([]);
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
