import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createWorkspace, ensureEventPartitions, workspaceScope } from '@strata/storage';
import { bootstrapOwner } from '../../server/src/routes/users/index.js';
import { openBrowserApp, owner, now, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Settings › Queues and the Queue page as a team lead and an agent use them, in real Chromium against a real Strata: open tickets most
 * urgent first with a ticking SLA countdown (red once breached), their own tickets only, and going
 * away, which hands their tickets on.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let adminKey: string;
let writeKey: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const workspace = await createWorkspace(database.db, { slug: 'default', name: 'Default' });
  const scope = workspaceScope(database.db, workspace.id, now);
  await ensureEventPartitions(database.db, [now().toISOString().slice(0, 7)]);
  await bootstrapOwner(database.db, { workspaceId: workspace.id, ...owner, baseUrl: 'http://127.0.0.1', now }, () => undefined);
  adminKey = (await createApiKey(scope, { name: 'test admin', scopes: ['admin'] })).secret;
  writeKey = (await createApiKey(scope, { name: 'test ingest', scopes: ['ingest'] })).secret;
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 900 } });
  ({ page, baseUrl } = ui);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await database?.drop();
});

async function api(method: string, path: string, body: unknown, key = adminKey) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.json() as Promise<{ id: string }>;
}

const ticketsTable = () => page.getByRole('table', { name: 'Open tickets by urgency' });
const rows = () => ticketsTable().getByRole('row');

describe('the queue page', () => {
  it('lists open tickets most urgent first with a ticking SLA, filters to the agent, and hands tickets on when they go away', async () => {
    await api('PUT', '/api/v1/sla-policies/standard', {
      name: 'Standard',
      businessHours: false,
      targets: {
        urgent: { firstResponseMinutes: 30, resolutionMinutes: 240 },
        low: { firstResponseMinutes: 480, resolutionMinutes: 5760 },
      },
    });
    await api('PUT', '/api/v1/support-policies/everyone', {
      name: 'Everyone',
      position: 1,
      when: 'subject is set',
      set: { sla: 'standard' },
    });
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${baseUrl}/segments`);

    // Settings › Queues: a queue with two agents, made in the editor.
    await page.goto(`${baseUrl}/settings/queues`);
    await page.getByRole('button', { name: 'New queue' }).click();
    await page.getByLabel('Key').fill('tier-1');
    await page.getByLabel('Name').fill('Tier 1');
    await page.getByLabel('Agent 1 email').fill(owner.email);
    await page.getByLabel('Agent 1 capacity').fill('5');
    await page.getByRole('button', { name: 'Add agent' }).click();
    await page.getByLabel('Agent 2 email').fill('bo@example.com');
    await page.getByLabel('Agent 2 languages').fill('en, de');
    await page.getByLabel('Zendesk group id').fill('3601');
    await ui.checkScreen('settings-queues', { waitFor: 'load' });
    await page.getByRole('button', { name: 'Save queue' }).click();
    const queueRow = page.getByRole('table', { name: 'Queues' }).getByRole('row', { name: /Tier 1/ });
    await expect.poll(() => queueRow.textContent().catch(() => '')).toContain(`${owner.email}, bo@example.com`);
    const saved = (await api('GET', '/api/v1/queues/tier-1', undefined)) as unknown as { helpDeskGroups: object };
    expect(saved.helpDeskGroups).toEqual({ zendesk: '3601' });

    const ticket = (userId: string, subject: string, priority: string, minutesAgo: number) =>
      api(
        'POST',
        '/api/v1/tickets',
        { userId, subject, priority, createdAt: new Date(now().getTime() - minutesAgo * 60_000).toISOString() },
        writeKey,
      );
    const late = await ticket('ada', 'Export is down for the whole team', 'urgent', 40);
    await ticket('bob', 'How do I rename a report?', 'low', 1);
    await api('POST', `/api/v1/tickets/${late.id}/assignment`, { queue: 'tier-1' });

    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    await page.waitForURL(`${baseUrl}/queue`);

    // Header row, then the breached urgent ticket first and the low one after it.
    await expect.poll(() => rows().count()).toBe(3);
    const first = rows().nth(1);
    await expect.poll(() => first.textContent()).toContain('Export is down for the whole team');
    expect(await first.textContent()).toMatch(/first response breached 10 min \d\d s ago/);
    expect(await first.textContent()).toContain(owner.email);
    expect(await rows().nth(2).textContent()).toContain('How do I rename a report?');
    // The countdown ticks without a reload.
    const before = await first.getByText(/breached/).textContent();
    await expect.poll(() => first.getByText(/breached/).textContent(), { timeout: 5_000 }).not.toBe(before);
    await ui.checkScreen('queue-tickets', { waitFor: 'load' });

    await page.getByLabel('Assigned to me').check();
    await expect.poll(() => rows().count()).toBe(2);
    expect(await rows().nth(1).textContent()).toContain('Export is down');

    // Going away hands the ticket on to the other agent of the queue.
    await page.getByRole('button', { name: `Set away ${owner.email}` }).click();
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: 'Agents' })
          .getByRole('row', { name: new RegExp(owner.email) })
          .textContent(),
      )
      .toContain('away');
    await expect
      .poll(() =>
        ticketsTable()
          .isVisible()
          .catch(() => false),
      )
      .toBe(false);
    await page.getByLabel('Assigned to me').uncheck();
    await expect.poll(() => rows().nth(1).textContent()).toContain('bo@example.com');
  });
});
