import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSegmentMessages } from '@strata/core';
import { ingestMessages, LiveSegmentWorker } from '@strata/engine';
import { addJobs, createWorkspace, ensureEventPartitions, workspaceScope, type WorkspaceScope } from '@strata/storage';
import { bootstrapOwner } from '../../server/src/routes/users/index.js';
import { openBrowserApp, owner, now, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Settings › System as an operator uses it, in real Chromium against a real Strata with no live
 * worker running: changes wait in live evaluation's queue and the page says how many; a worker
 * drains them and the page follows on its own; a job that gave up shows in the dead-letter view.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let scope: WorkspaceScope;

beforeAll(async () => {
  database = await createTestDatabase();
  const workspace = await createWorkspace(database.db, { slug: 'default', name: 'Default' });
  scope = workspaceScope(database.db, workspace.id, now);
  const month = now().toISOString().slice(0, 7);
  await ensureEventPartitions(database.db, [month]);
  await bootstrapOwner(database.db, { workspaceId: workspace.id, ...owner, baseUrl: 'http://127.0.0.1', now }, () => undefined);
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 900 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

const region = (name: string) => page.getByRole('region', { name, exact: true });
const stat = (label: string) => region('Live evaluation').getByRole('group', { name: label, exact: true });

describe('the system settings page', () => {
  it('shows changes waiting for live evaluation, and follows a worker draining them', async () => {
    const parsed = parseSegmentMessages(
      ['ada', 'bob', 'cy'].map((userId, i) => ({ type: 'identify', userId, traits: { plan: 'pro' }, messageId: `m${i}` })),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    await ingestMessages(scope, { messages: parsed.messages, receivedAt: now() });
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM segment_work WHERE workspace_id = ${scope.workspaceId}`.execute(database.owner);
    const queued = rows[0]!.n;
    expect(queued).toBeGreaterThanOrEqual(3);

    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${baseUrl}/segments`);
    await page.goto(`${baseUrl}/settings/system`);
    await expect.poll(() => stat('Waiting').textContent()).toContain(String(queued));
    await expect.poll(() => stat('Oldest waiting').textContent()).toMatch(/\d+ (s|min)/);
    await expect.poll(() => stat('Parked').textContent()).toContain('0');
    await expect
      .poll(() =>
        region('Change subscribers')
          .getByRole('row', { name: /membership-webhooks/ })
          .isVisible(),
      )
      .toBe(true);
    await ui.checkScreen('settings-system', { waitFor: 'load' });

    await new LiveSegmentWorker({ db: database.db, now }).drain();
    // No reload: the page polls.
    await expect.poll(() => stat('Waiting').textContent(), { timeout: 20_000 }).toMatch(/Waiting\s*0/);
  });

  it('lists background jobs, with the dead-letter view and its error', async () => {
    await addJobs(database.db, [
      { task: 'deliver-webhook', payload: { workspaceId: scope.workspaceId, messageId: 'gave-up' }, maxAttempts: 3 },
      { task: 'train-text-models', payload: { workspaceId: scope.workspaceId }, runAt: new Date(now().getTime() + 3_600_000) },
    ]);
    await sql`UPDATE graphile_worker._private_jobs SET attempts = max_attempts, last_error = 'the receiver answered 500'
      WHERE payload->>'messageId' = 'gave-up'`.execute(database.owner);
    const jobs = region('Background jobs');
    await expect.poll(() => jobs.getByRole('row').count(), { timeout: 20_000 }).toBe(3);
    await jobs.getByLabel('Show').selectOption('dead');
    await expect.poll(() => jobs.getByRole('row').count()).toBe(2);
    const dead = jobs.getByRole('row', { name: /deliver-webhook/ });
    await expect.poll(() => dead.textContent()).toMatch(/dead.*3 of 3.*the receiver answered 500/);
    await jobs.getByLabel('Show').selectOption('running');
    await expect.poll(() => jobs.getByRole('status').textContent()).toBe('No running jobs.');
    await ui.checkScreen('settings-system-jobs', { waitFor: 'load' });
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
