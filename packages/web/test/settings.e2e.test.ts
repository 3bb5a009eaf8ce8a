import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '@strata/storage';
import { bootstrapOwner } from '../../server/src/routes/users/index.js';
import { openBrowserApp, owner, now, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';
import { signWebhook } from '../../../test-support/webhooks.js';

/**
 * The settings screen as an owner uses it, in real Chromium against a real Strata: an API key
 * created (its secret shown once and copied) and revoked, a colleague invited with a link to copy,
 * a provider connected and its webhook URL copied, business hours saved; then the invited agent
 * sees only what an agent may. Each page is checked with axe-core and photographed.
 */
const stripeEvent = readFileSync(
  fileURLToPath(new URL('../../../../shared/data/webhook-fixtures-zulip/stripe/customer_subscription_created.json', import.meta.url)),
  'utf8',
);

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let inviteUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const workspace = await createWorkspace(database.db, { slug: 'default', name: 'Default' });
  await bootstrapOwner(database.db, { workspaceId: workspace.id, ...owner, baseUrl: 'http://127.0.0.1', now }, () => undefined);
  // The copy buttons write to the clipboard; the test reads it back.
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 800 }, clipboard: true });
  ({ page, baseUrl } = ui);
  ui.context.setDefaultTimeout(10_000);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

// Runs in the page, where navigator exists; the test's own types are Node's.
const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');

const checkScreen = (name: string) => ui.checkScreen(name);

async function signIn(email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

const chargebeeCustomerChanged = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../test-support/fixtures/chargebee/customer_changed.json'), 'utf8'),
) as Record<string, unknown>;

describe('the settings screen', () => {
  it('opens from the account menu at the first page the role may use', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await signIn(owner.email, owner.password);
    await page.waitForURL(`${baseUrl}/segments`);
    await page.getByRole('button', { name: `Account menu of ${owner.email}` }).click();
    await page.getByRole('menuitem', { name: 'Settings' }).click();
    await page.waitForURL(`${baseUrl}/settings/keys`);
    const tabs = page.getByRole('navigation', { name: 'Settings' });
    for (const name of ['API keys', 'Users and roles', 'Integrations', 'Business hours', 'Workspace'])
      await expect.poll(() => tabs.getByRole('link', { name, exact: true }).isVisible(), { message: name }).toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: 'No API keys yet' }).isVisible()).toBe(true);
  });

  it('creates a key, shows its secret once to copy, and revokes it', async () => {
    await page.getByRole('textbox', { name: 'Name' }).fill('zapier');
    await page.getByRole('checkbox', { name: /^read:/ }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => page.getByText('Key "zapier" created: copy its secret now').isVisible()).toBe(true);
    const secret = (await page.getByLabel("the new key's secret", { exact: true }).textContent())!;
    expect(secret).toMatch(/^sk_read_[\w-]{32}$/);
    await page.getByRole('button', { name: "Copy the new key's secret" }).click();
    await expect.poll(() => page.getByText('Copied', { exact: true }).isVisible()).toBe(true);
    expect(await clipboard()).toBe(secret);

    const row = page.getByRole('row').filter({ hasText: 'zapier' });
    await expect.poll(() => row.textContent()).toContain(`${secret.slice(0, 12)}…`);
    await expect.poll(() => row.textContent()).toMatch(/ingest\s*read|ingestread/);
    await expect.poll(() => row.textContent()).toContain('never');
    await checkScreen('settings-keys');

    // The key works until revoked; after a reload the secret is nowhere on the page.
    expect((await fetch(`${baseUrl}/api/v1/segments`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    await page.reload();
    await expect.poll(() => row.textContent()).not.toContain('never');
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke zapier' }).click();
    await row.getByRole('button', { name: 'Confirm revoking zapier' }).click();
    await expect.poll(() => page.getByText('"zapier" is refused from its next request.').isVisible()).toBe(true);
    await expect.poll(() => row.textContent()).toContain('Revoked');
    expect((await fetch(`${baseUrl}/api/v1/segments`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
  });

  it('invites a colleague, shows the link to copy, and changes their role', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users and roles' }).click();
    await page.waitForURL(`${baseUrl}/settings/users`);
    await page.getByRole('textbox', { name: 'Email' }).fill('agent@example.com');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await expect.poll(() => page.getByText('agent@example.com is invited as agent').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Copy the invitation link' }).click();
    await expect.poll(() => page.getByText('Copied', { exact: true }).isVisible()).toBe(true);
    inviteUrl = await clipboard();
    expect(inviteUrl).toMatch(new RegExp(`^${baseUrl}/invite#.{20,}`));
    expect(await page.getByLabel('the invitation link', { exact: true }).textContent()).toBe(inviteUrl);
    const row = page.getByRole('row').filter({ hasText: 'agent@example.com' });
    await expect.poll(() => row.textContent()).toContain('invited');
    await checkScreen('settings-users');

    await row.getByRole('textbox', { name: 'Role of agent@example.com' }).click();
    await page.getByRole('option', { name: 'ops', exact: true }).click();
    await expect.poll(() => page.getByText('agent@example.com is now ops.').isVisible()).toBe(true);
    await row.getByRole('textbox', { name: 'Role of agent@example.com' }).click();
    await page.getByRole('option', { name: 'agent', exact: true }).click();
    await expect.poll(() => page.getByText('agent@example.com is now agent.').isVisible()).toBe(true);
  });

  it('connects Stripe and copies its webhook URL', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Integrations' }).click();
    await page.waitForURL(`${baseUrl}/settings/integrations`);
    const stripe = page.getByRole('region', { name: 'Stripe' });
    await expect.poll(() => stripe.getByText('not connected', { exact: true }).isVisible()).toBe(true);
    await stripe.getByLabel('Signing secret (whsec_…)').fill('whsec_browser_test_secret');
    await stripe.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => stripe.getByText(/^Signing secret set/).isVisible()).toBe(true);
    await stripe.getByRole('button', { name: 'Copy the Stripe webhook URL' }).click();
    await expect.poll(() => stripe.getByText('Copied', { exact: true }).isVisible()).toBe(true);
    const url = await clipboard();
    expect(url).toMatch(new RegExp(`^${baseUrl}/webhooks/stripe/\\S+$`));
    expect(await stripe.getByLabel('the Stripe webhook URL', { exact: true }).textContent()).toBe(url);
    // Rotating keeps the URL.
    await stripe.getByLabel(/New signing secret/).fill('whsec_rotated_secret_value');
    await stripe.getByRole('button', { name: 'Rotate secret' }).click();
    await expect.poll(() => page.getByText('Stripe connected').count()).toBeGreaterThan(0);
    expect(await stripe.getByLabel('the Stripe webhook URL', { exact: true }).textContent()).toBe(url);
    await expect
      .poll(() => stripe.getByText("No delivery yet: paste the URL into Stripe's webhook settings.", { exact: true }).isVisible())
      .toBe(true);

    // Stripe delivers with the secret, then a forged signature comes; the page shows both after a reload.
    const deliver = (secret: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signWebhook('stripe', stripeEvent, secret, Math.floor(Date.now() / 1000)) },
        body: stripeEvent,
      });
    expect((await deliver('whsec_rotated_secret_value')).status).toBe(200);
    // Stripe retries: the same event again is a duplicate, accepted too.
    expect((await deliver('whsec_rotated_secret_value')).status).toBe(200);
    expect((await deliver('whsec_not_the_secret_at_all')).status).toBe(401);
    await page.reload();
    const deliveries = stripe.getByRole('status', { name: 'Stripe deliveries' });
    await expect.poll(() => deliveries.textContent()).toMatch(/^Last delivery just now\s*· 2 accepted · 1 refused$/);
    const lastError = stripe.getByRole('note', { name: /^Last refused / });
    expect(await lastError.textContent()).toMatch(/^Last refused .+webhook refused: bad-signature$/);
    await checkScreen('settings-integrations');
  });

  it('connects Chargebee with the user name and password it will send, and a delivery with them is accepted', async () => {
    const chargebee = page.getByRole('region', { name: 'Chargebee' });
    await chargebee.getByLabel('Chargebee user name').fill('strata-hooks');
    await chargebee.getByLabel('Chargebee password').fill('chargebee-browser-test');
    await chargebee.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => chargebee.getByText(/^User name and password set/).isVisible()).toBe(true);
    const url = await chargebee.getByLabel('the Chargebee webhook URL', { exact: true }).textContent();
    expect(url).toMatch(new RegExp(`^${baseUrl}/webhooks/chargebee/\\S+$`));
    const deliver = (password: string) =>
      fetch(url!, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`strata-hooks:${password}`).toString('base64')}`,
        },
        // Chargebee's documented customer_changed event (the server tests' fixture), as a new event.
        body: JSON.stringify({ ...chargebeeCustomerChanged, id: 'ev_browser_1', occurred_at: Math.floor(Date.now() / 1000) }),
      });
    expect((await deliver('not-the-password')).status).toBe(401);
    expect((await deliver('chargebee-browser-test')).status).toBe(200);
  });

  it('connects Freshservice by webhook with its preset, and lists it with its URL', async () => {
    const helpDesks = page.getByRole('region', { name: 'Other help desks, by webhook' });
    await expect.poll(() => helpDesks.getByText(/^None connected/).isVisible()).toBe(true);
    await helpDesks.getByRole('textbox', { name: /^Key/ }).fill('freshservice');
    await helpDesks.getByRole('button', { name: 'Connect help desk' }).click();
    const url = helpDesks.getByLabel('the freshservice webhook URL', { exact: true });
    await expect.poll(() => url.textContent().catch(() => '')).toMatch(new RegExp(`^${baseUrl}/webhooks/helpdesk/freshservice/\\S+$`));
    // A built-in source's name is refused, naming the key.
    await helpDesks.getByRole('textbox', { name: /^Key/ }).fill('zendesk');
    await helpDesks.getByRole('button', { name: 'Connect help desk' }).click();
    await expect.poll(() => helpDesks.getByRole('alert', { name: 'The help desk was not connected' }).textContent()).toContain('built-in');
  });

  it('lists the origins allowed to send events from a browser, kept after a reload', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Ingestion' }).click();
    await page.waitForURL(`${baseUrl}/settings/ingestion`);
    const origins = page.getByRole('textbox', { name: /^Allowed origins/ });
    await expect.poll(() => origins.inputValue()).toBe('');
    await origins.fill('https://app.example.com\nnot an origin');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert', { name: 'The ingestion settings were not saved' }).textContent())
      .toContain('allowedOrigins');
    await origins.fill('https://app.example.com\nhttp://localhost:3000');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('Ingestion settings saved').isVisible()).toBe(true);
    await page.reload();
    await expect.poll(() => origins.inputValue()).toBe('https://app.example.com\nhttp://localhost:3000');
    await checkScreen('settings-ingestion');
  });

  it('saves business hours and holidays, kept after a reload', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Business hours' }).click();
    await page.waitForURL(`${baseUrl}/settings/business-hours`);
    await page.getByLabel(/^Closes at/).fill('18:30');
    await page.getByRole('checkbox', { name: 'Saturday' }).check();
    await page.getByRole('textbox', { name: 'Holidays' }).fill('2026-12-25\n2026-12-26');
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await expect.poll(() => page.getByText('Business hours saved').isVisible()).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByLabel(/^Closes at/).inputValue()).toBe('18:30');
    expect(await page.getByRole('checkbox', { name: 'Saturday' }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Holidays' }).inputValue()).toBe('2026-12-25\n2026-12-26');
    await page.getByRole('textbox', { name: 'Holidays' }).fill('not a date');
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await expect.poll(() => page.getByRole('alert', { name: 'The business hours were not saved' }).textContent()).toContain('YYYY-MM-DD');
    await page.getByRole('textbox', { name: 'Holidays' }).fill('2026-12-25\n2026-12-26');
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await expect.poll(() => page.getByRole('alert', { name: 'The business hours were not saved' }).count()).toBe(0);
    // The alert goes as the request starts; its toast comes when it answers. Checked once it is
    // there, so that it is closed first rather than caught by axe mid-fade.
    await expect.poll(() => page.getByText('Business hours saved').isVisible()).toBe(true);
    await checkScreen('settings-business-hours');
  });

  it('sets the workspace timezone, kept after a reload, and the business hours say how the two relate', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Workspace' }).click();
    await page.waitForURL(`${baseUrl}/settings/workspace`);
    const zone = page.getByRole('textbox', { name: 'Workspace timezone', exact: true });
    await expect.poll(() => zone.inputValue()).toBe('UTC');
    await zone.click();
    await zone.fill('Tokyo');
    await page.getByRole('option', { name: 'Asia/Tokyo', exact: true }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Acme support');
    await page.getByRole('button', { name: 'Save workspace' }).click();
    await expect.poll(() => page.getByText('Workspace saved').isVisible()).toBe(true);
    await page.reload();
    await expect.poll(() => zone.inputValue()).toBe('Asia/Tokyo');
    expect(await page.getByRole('textbox', { name: 'Name', exact: true }).inputValue()).toBe('Acme support');
    await checkScreen('settings-workspace');

    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Business hours' }).click();
    await expect.poll(() => page.getByText(/starts as the workspace's \(now Asia\/Tokyo\) but does not follow it/).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Workspace page' }).click();
    await page.waitForURL(`${baseUrl}/settings/workspace`);
  });

  it('shows the invited agent only what an agent may do', async () => {
    await page.getByRole('button', { name: `Account menu of ${owner.email}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(`${baseUrl}/sign-in`);
    await page.goto(inviteUrl);
    await page.getByRole('textbox', { name: 'Password' }).fill('the agent passphrase');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/segments`);

    await page.goto(`${baseUrl}/settings`);
    await page.waitForURL(`${baseUrl}/settings/users`);
    const tabs = page.getByRole('navigation', { name: 'Settings' });
    await expect.poll(() => tabs.getByRole('link', { name: 'Users and roles' }).isVisible()).toBe(true);
    expect(await tabs.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    expect(await tabs.getByRole('link', { name: 'Integrations' }).count()).toBe(0);
    // Members listed, without the invitation form or the buttons to change them.
    await expect.poll(() => page.getByRole('cell', { name: owner.email }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Invite', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);

    await page.goto(`${baseUrl}/settings/keys`);
    await expect.poll(() => page.getByRole('heading', { name: 'API keys are not open to your role' }).isVisible()).toBe(true);
    await checkScreen('settings-keys-agent');

    await tabs.getByRole('link', { name: 'Business hours' }).click();
    await expect.poll(() => page.getByLabel(/^Closes at/).inputValue()).toBe('18:30');
    expect(await page.getByLabel(/^Closes at/).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save business hours' }).count()).toBe(0);

    await tabs.getByRole('link', { name: 'Workspace' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Workspace timezone', exact: true }).inputValue()).toBe('Asia/Tokyo');
    expect(await page.getByRole('textbox', { name: 'Workspace timezone', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save workspace' }).count()).toBe(0);
  });

  it('ran under the strict Content-Security-Policy without a violation or an uncaught error', () => {
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
