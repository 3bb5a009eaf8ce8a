import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ensurePredefinedSegments, loadSampleData } from '@strata/engine';
import { createWorkspace, workspaceScope, type Workspace, type WorkspaceScope } from '@strata/storage';
import { bootstrapOwner, shareDemoWithOwners } from '../../../server/src/routes/users/index.js';
import { launchChromium, seriousAccessibilityViolations } from '../../../../test-support/browser.js';
import type { TestDatabase } from '../../../../test-support/test-database.js';
import { createTestApp } from '../../../../test-support/test-server.js';

/**
 * What every browser test of the web UI shares: a real Strata on the test database serving the
 * built UI, Chromium with a page that records what the CSP refused and uncaught errors, and the
 * check each screen passes (axe, then a screenshot into docs/screenshots).
 */
const webDist = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
const screenshots = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

export const now = () => new Date();
export const owner = { email: 'owner@example.com', password: 'correct horse battery' };

/**
 * The workspaces a new install has: `demo` with the xs sample company and its predefined
 * segments, and (unless `ownerIn` is `demo`) `default`, whose owner also owns demo.
 */
export async function seedDemo(
  database: TestDatabase,
  options: { owner?: { email: string; password: string }; ownerIn?: 'default' | 'demo' } = {},
): Promise<{ demo: Workspace; demoScope: WorkspaceScope }> {
  const ownerIn = options.ownerIn ?? 'default';
  const defaultWorkspace = ownerIn === 'default' ? await createWorkspace(database.db, { slug: 'default', name: 'Default' }) : undefined;
  const demo = await createWorkspace(database.db, { slug: 'demo', name: 'Demo' });
  const demoScope = workspaceScope(database.db, demo.id, now);
  await loadSampleData(demoScope, database.pool, { size: 'xs', seed: 1 });
  await ensurePredefinedSegments(demoScope, {});
  const workspaceId = defaultWorkspace?.id ?? demo.id;
  await bootstrapOwner(database.db, { workspaceId, ...(options.owner ?? owner), baseUrl: 'http://127.0.0.1', now }, () => undefined);
  if (defaultWorkspace) await shareDemoWithOwners(database.db);
  return { demo, demoScope };
}

export interface BrowserApp {
  app: FastifyInstance;
  baseUrl: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What the CSP refused, with a sample, so a failure says which element to fix. */
  cspViolations: string[];
  pageErrors: string[];
  /** Records CSP refusals and errors of another page too (a second user's, say). */
  watch(page: Page): Promise<void>;
  /**
   * The screen passes axe (no serious or critical violation) and is photographed, light theme,
   * as docs/screenshots/NAME.png. It first waits for the network to settle, or only for the load
   * on pages that never settle (a live stream, a progress poll). Notifications are closed first:
   * axe would measure a fading toast's half-transparent text.
   */
  checkScreen(name: string, options?: { waitFor?: 'networkidle' | 'load' | 'nothing' }): Promise<void>;
  close(): Promise<void>;
}

/** Starts Strata on the (seeded) database and opens a Chromium page on it. */
export async function openBrowserApp(
  database: TestDatabase,
  options: { viewport?: { width: number; height: number }; clipboard?: boolean } = {},
): Promise<BrowserApp> {
  if (!existsSync(webDist)) throw new Error(`${webDist} is missing: build the web UI first with npm run build`);
  await mkdir(screenshots, { recursive: true });
  const browser = await launchChromium();
  const app = await createTestApp(database);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, colorScheme: 'light' });
  if (options.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const watch = async (target: Page) => {
    await target.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        console.error('CSP refused ' + event.violatedDirective + ': ' + (event.sample || event.blockedURI) + ' (' + event.sourceFile + ':' + event.lineNumber + ')'));`,
    });
    target.on('console', (message) => {
      if (message.text().startsWith('CSP refused')) cspViolations.push(message.text());
    });
    target.on('pageerror', (error) => pageErrors.push(error.message));
  };
  const page = await context.newPage();
  await watch(page);
  return {
    app,
    baseUrl,
    browser,
    context,
    page,
    cspViolations,
    pageErrors,
    watch,
    async checkScreen(name, { waitFor = 'networkidle' } = {}) {
      await dismissNotifications(page);
      if (waitFor !== 'nothing') await page.waitForLoadState(waitFor);
      expect(await seriousAccessibilityViolations(page), `accessibility of ${name}`).toEqual([]);
      await page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true });
    },
    async close() {
      await browser.close();
      await app.close();
    },
  };
}

/** Closes the toasts on the page; one still sliding in may refuse the click (it closes itself after 4 s anyway). */
async function dismissNotifications(page: Page): Promise<void> {
  const dismiss = page.getByRole('button', { name: 'Dismiss the notification' });
  while ((await dismiss.count()) > 0)
    await dismiss
      .first()
      .click({ timeout: 2000 })
      .catch(() => page.waitForTimeout(500));
  await expect.poll(() => dismiss.count(), { timeout: 10_000 }).toBe(0);
}

/** Signs in as the owner from the sign-in page and switches to the demo workspace, as a new owner does. */
export async function signInToDemo(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${baseUrl}/segments`);
  await page.getByRole('textbox', { name: 'Workspace' }).click();
  await page.getByRole('option', { name: 'demo (owner)' }).click();
  await expect.poll(() => page.getByText('You are now in demo.').isVisible()).toBe(true);
  await page.getByRole('button', { name: 'Dismiss the notification' }).click();
  await expect.poll(() => page.getByText('You are now in demo.').count()).toBe(0);
}
