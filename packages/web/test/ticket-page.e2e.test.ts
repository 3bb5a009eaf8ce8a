import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundRuntime } from '@strata/engine';
import { createApiKey, createWorkspace, ensureEventPartitions, workspaceScope } from '@strata/storage';
import { bootstrapOwner } from '../../server/src/routes/users/index.js';
import { openBrowserApp, owner, now, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * The ticket page as an agent works it, in real Chromium against a real Strata with live segment
 * evaluation running: opened from the Queue, it shows the messages, suggested responses and the
 * policy decision; when the customer's account enters a segment a policy reads, the open page shows
 * the priority rise with the cause, without a reload.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let adminKey: string;
let writeKey: string;
let runtime: BackgroundRuntime;

beforeAll(async () => {
  database = await createTestDatabase();
  const workspace = await createWorkspace(database.db, { slug: 'default', name: 'Default' });
  const scope = workspaceScope(database.db, workspace.id, now);
  await ensureEventPartitions(database.db, [now().toISOString().slice(0, 7)]);
  await bootstrapOwner(database.db, { workspaceId: workspace.id, ...owner, baseUrl: 'http://127.0.0.1', now }, () => undefined);
  adminKey = (await createApiKey(scope, { name: 'test admin', scopes: ['admin'] })).secret;
  writeKey = (await createApiKey(scope, { name: 'test ingest', scopes: ['ingest'] })).secret;
  runtime = new BackgroundRuntime({
    db: database.db,
    pool: database.pool,
    now,
    services: { post: () => Promise.reject(new Error('no webhooks in this test')) },
    subscriberPollMs: 100,
  });
  await runtime.start();
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 1000 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await runtime?.stop();
  await database?.drop();
});

async function api(method: string, path: string, body: unknown, key = adminKey) {
  const headers =
    key === writeKey
      ? { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' }
      : { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.json() as Promise<{ id: string }>;
}

describe('the ticket page', () => {
  it('opens from the queue, and shows the priority rise with its cause when the account enters a segment', async () => {
    await api('POST', '/api/v1/segments', { key: 'enterprise', name: 'Enterprise', target: 'account', rule: 'plan = "enterprise"' });
    await api('PUT', '/api/v1/support-policies/enterprise-first', {
      name: 'Enterprise first',
      position: 1,
      when: 'in segment "enterprise"',
      set: { priority: 'urgent' },
    });
    await api('PUT', '/api/v1/canned-responses/export-help', {
      title: 'Export help',
      body: 'Hello {{ person.name }}, exports are under Reports › Export.',
    });
    await api('POST', '/v1/group', { userId: 'ada', groupId: 'acme', traits: { name: 'Acme', plan: 'pro' } }, writeKey);
    await api('POST', '/v1/identify', { userId: 'ada', traits: { name: 'Ada' } }, writeKey);
    const ticket = await api(
      'POST',
      '/api/v1/tickets',
      {
        userId: 'ada',
        groupId: 'acme',
        subject: 'The export is broken',
        description: 'The CSV export fails every time.',
        priority: 'normal',
      },
      writeKey,
    );

    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${baseUrl}/segments`);
    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    await page.getByRole('link', { name: 'The export is broken' }).click();
    await page.waitForURL(`${baseUrl}/tickets/${ticket.id}`);

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('The export is broken');
    await expect.poll(() => page.getByText('Priority normal', { exact: true }).count()).toBe(1);
    await expect
      .poll(() => page.getByRole('list', { name: 'Suggested responses for The export is broken' }).textContent())
      .toContain('Hello Ada, exports are under Reports › Export.');
    const decisions = page.getByRole('list', { name: 'Decisions' });
    await expect.poll(() => decisions.textContent()).toContain('ticket-created');
    await ui.checkScreen('ticket-page', { waitFor: 'load' });

    // The account becomes enterprise: live evaluation puts it in the segment, the change subscriber
    // decides the ticket again, and the open page reads the new decision on its own.
    await api('POST', '/v1/group', { userId: 'ada', groupId: 'acme', traits: { plan: 'enterprise' } }, writeKey);
    await expect.poll(() => page.getByText('Priority urgent', { exact: true }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => decisions.textContent(), { timeout: 30_000 }).toContain('segment-entered:enterprise');
    expect(ui.pageErrors).toEqual([]);
    expect(ui.cspViolations).toEqual([]);
  });
});
