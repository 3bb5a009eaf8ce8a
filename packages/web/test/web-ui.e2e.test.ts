import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';
import { openBrowserApp, owner, seedDemo, type BrowserApp } from './harness/browser-app.js';

/**
 * The web UI as a person meets it, in real Chromium against a real Strata: the built UI served
 * at `/`, sign-in, the header, the segments of the demo workspace, sign-out. Every screen is
 * checked with axe-core and photographed (light theme) into docs/screenshots.
 */
let database: TestDatabase;
let ui: BrowserApp;
let page: Page;
let baseUrl: string;
let somePerson: string;
let inviteUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const { demo } = await seedDemo(database);
  const person = await database.owner
    .selectFrom('people')
    .select('user_id')
    .where('workspace_id', '=', demo.id)
    .where('user_id', 'is not', null)
    .limit(1)
    .executeTakeFirstOrThrow();
  somePerson = person.user_id!;
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 800 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

const checkScreen = (name: string) => ui.checkScreen(name);
const signInButton = () => page.getByRole('button', { name: 'Sign in', exact: true });

describe('the web UI', () => {
  it('serves the UI at / with cached hashed assets, and index.html for deep links', async () => {
    const root = await fetch(`${baseUrl}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('cache-control')).toBe('no-cache');
    const html = await root.text();
    expect(html).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const deep = await fetch(`${baseUrl}/segments/inactive?q=x`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    // The APIs keep their own answers.
    expect((await fetch(`${baseUrl}/api/v1/nothing-here`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/api/v1/segments`)).status).toBe(401);
  });

  it('signs in: a wrong password is refused with a message, the right one opens the page asked for', async () => {
    await page.goto(`${baseUrl}/segments?q=inactive`);
    await page.waitForURL(/\/sign-in\?next=/);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('First start?').isVisible()).toBe(true);
    await checkScreen('sign-in');

    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('not the password');
    await signInButton().click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Email or password is wrong.');

    await page.getByLabel('Password').fill(owner.password);
    await signInButton().click();
    await page.waitForURL(`${baseUrl}/segments?q=inactive`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Segments', 'Queue', 'Health', 'Playbooks', 'Dashboards'])
      await expect.poll(() => nav.getByRole('link', { name, exact: true }).isVisible(), { message: name }).toBe(true);
    await expect.poll(() => page.getByRole('link', { name: 'New segment' }).isVisible()).toBe(true);

    // The owner invites a viewer with the session the page holds (a same-origin write, as the settings screen will).
    const invited = await page.evaluate(async () => {
      const response = await fetch('/api/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'viewer@example.com', role: 'viewer' }),
      });
      return { status: response.status, body: (await response.json()) as { inviteUrl: string } };
    });
    expect(invited.status).toBe(201);
    inviteUrl = invited.body.inviteUrl;
    expect(inviteUrl).toMatch(new RegExp(`^${baseUrl}/invite#`));
  });

  it('switches to the demo workspace and finds its predefined inactive segment by searching', async () => {
    // The default workspace has no segments yet: the empty state says what to do.
    await page.goto(`${baseUrl}/segments`);
    await expect.poll(() => page.getByRole('heading', { name: 'No segments yet' }).isVisible()).toBe(true);
    await checkScreen('segments-empty');

    await page.getByRole('textbox', { name: 'Workspace' }).click();
    await page.getByRole('option', { name: 'demo (owner)' }).click();
    await expect.poll(() => page.getByText('You are now in demo.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Dismiss the notification' }).click();
    // Gone, not fading: axe would measure the contrast of text at half opacity.
    await expect.poll(() => page.getByText('You are now in demo.').count()).toBe(0);
    const table = page.getByRole('table', { name: 'Segments' });
    await expect.poll(() => table.getByRole('link', { name: 'inactive', exact: true }).isVisible()).toBe(true);
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(5);
    await checkScreen('segments');

    await page.getByLabel('Search segments').fill('inactive');
    await expect.poll(() => table.getByRole('row').count()).toBe(3); // header, inactive, accounts-inactive
    const inactive = table.getByRole('row').filter({ has: page.getByRole('link', { name: 'inactive', exact: true }) });
    await expect.poll(() => inactive.textContent()).toContain('predefined');
    await page
      .locator('label')
      .filter({ hasText: /^Accounts$/ })
      .click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(page.url()).toContain('target=account');

    // The filters are in the URL: a reload keeps them.
    await page.reload();
    await expect.poll(() => table.getByRole('link', { name: 'accounts-inactive' }).isVisible()).toBe(true);
    await expect.poll(() => table.getByRole('row').count()).toBe(2);

    await page.getByLabel('Search segments').fill('no such segment');
    await expect.poll(() => page.getByRole('heading', { name: 'No segment matches' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(5);
  });

  it('sorts the segments by size, biggest first', async () => {
    const table = page.getByRole('table', { name: 'Segments' });
    await table.getByRole('button', { name: 'Size' }).click();
    await expect.poll(() => page.url()).toContain('sort=members.desc');
    // The URL changes before the table re-renders: wait for the rows, not the address.
    const readSizes = async () =>
      (await table.locator('tbody tr td:nth-child(4)').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
    await expect
      .poll(async () => {
        const sizes = await readSizes();
        return sizes.length > 5 && sizes.join() === [...sizes].sort((a, b) => b - a).join();
      })
      .toBe(true);
    expect(await table.getByRole('columnheader', { name: 'Size' }).getAttribute('aria-sort')).toBe('descending');
  });

  it('opens a segment, the sections still to come, and a customer from the header search', async () => {
    await page.getByRole('table', { name: 'Segments' }).getByRole('link', { name: 'inactive', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Rule' }).isVisible()).toBe(true);
    await checkScreen('segment');

    for (const name of ['Queue', 'Health', 'Playbooks', 'Dashboards']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
      await expect.poll(() => page.getByRole('heading', { name, level: 1 }).isVisible(), { message: name }).toBe(true);
      expect(await page.getByRole('link', { name, exact: true }).getAttribute('aria-current')).toBe('page');
      await checkScreen(name.toLowerCase());
    }
    await page.getByRole('link', { name: 'New segment' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'New segment' }).isVisible()).toBe(true);
    await checkScreen('new-segment');

    await page.keyboard.press('/');
    await page.keyboard.type(somePerson);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/customers\?q=/);
    await expect
      .poll(() => page.getByRole('table', { name: 'Customers found' }).getByText(somePerson, { exact: true }).isVisible())
      .toBe(true);
    await checkScreen('customers');
  });

  it('switches to dark mode and back', async () => {
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await page.getByRole('button', { name: 'Switch to light mode' }).click();
    await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('light');
  });

  it('signs out: the pages then ask for sign-in again', async () => {
    await page.getByRole('button', { name: `Account menu of ${owner.email}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(`${baseUrl}/sign-in`);
    await page.goto(`${baseUrl}/segments`);
    await page.waitForURL(/\/sign-in\?next=%2Fsegments/);
    await expect.poll(() => signInButton().isVisible()).toBe(true);

    await page.getByRole('link', { name: 'create the owner with the setup token' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Create the owner' }).isVisible()).toBe(true);
    await checkScreen('first-start');
  });

  it('after five wrong passwords for an account, says how long to wait (429)', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill('guess@example.com');
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByLabel('Password').fill(`wrong guess ${attempt}`);
      await signInButton().click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Email or password is wrong.');
      await expect.poll(() => signInButton().isEnabled()).toBe(true);
    }
    await page.getByLabel('Password').fill('wrong guess 6');
    await signInButton().click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Too many failed sign-ins\. Try again in 15 minutes\./);
  });

  it('opens an invitation link, sets a password and is signed in as the invited viewer', async () => {
    await page.goto(inviteUrl);
    await expect.poll(() => page.getByRole('heading', { name: 'Accept the invitation' }).isVisible()).toBe(true);
    await checkScreen('accept-invitation');
    await page.getByRole('textbox', { name: 'Password' }).fill('short');
    await page.getByRole('button', { name: 'Set the password and sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('at least 12 characters');
    // By keyboard alone: Enter in the field submits the form.
    await page.getByRole('textbox', { name: 'Password' }).fill('the viewer passphrase');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/segments`);
    await expect.poll(() => page.getByRole('button', { name: 'Account menu of viewer@example.com' }).isVisible()).toBe(true);
  });

  it('ran under the strict Content-Security-Policy without a violation or an uncaught error', () => {
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
