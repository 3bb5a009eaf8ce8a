import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner, redecideOpenTicketsTask, slaTimerTask } from '@strata/engine';
import { now, openBrowserApp, seedDemo, signInToDemo, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * Support policies as a support lead sets them up, in real Chromium against a real Strata with the
 * demo data: an SLA policy, then a policy for high-value accounts written in the rule editor for
 * tickets, previewed on the open tickets before saving; then the decision (priority, SLA due
 * times, the policy behind it, its history) on a high-value customer's ticket. Each screen passes axe.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let runner: JobRunner;
let customer: { userId: string; subject: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const { demo } = await seedDemo(database);
  // A person of a high-value account with an open ticket: the policy will raise it.
  const row = await database.owner
    .selectFrom('tickets as t')
    .innerJoin('people as p', (j) => j.onRef('p.workspace_id', '=', 't.workspace_id').onRef('p.person_id', '=', 't.person_id'))
    .innerJoin('segment_members as m', (j) => j.onRef('m.workspace_id', '=', 't.workspace_id').onRef('m.member_id', '=', 't.account_id'))
    .select(['p.user_id', 't.subject'])
    .where('t.workspace_id', '=', demo.id)
    .where('m.segment_key', '=', 'high-value')
    .where('t.is_open', '=', true)
    .where('t.subject', 'is not', null)
    .orderBy('t.created_at', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  customer = { userId: row.user_id!, subject: row.subject! };
  runner = new JobRunner({
    db: database.db,
    pool: database.pool,
    now,
    tasks: { [redecideOpenTicketsTask.name]: redecideOpenTicketsTask, [slaTimerTask.name]: slaTimerTask },
    services: { post: () => Promise.reject(new Error('no network in this test')) },
  });
  await runner.start();
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 900 } });
  ({ page, baseUrl } = ui);
  ui.context.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await runner?.stop();
  await ui?.close();
  await database?.drop();
});

const section = (name: string) => page.getByRole('region', { name, exact: true });

describe('support policies in the web UI', () => {
  it('signs in and opens the demo workspace', async () => {
    await signInToDemo(page, baseUrl);
  });

  it('saves an SLA policy', async () => {
    await page.goto(`${baseUrl}/settings/support-policies`);
    await page.getByLabel('SLA key').fill('gold');
    await page.getByLabel('SLA name').fill('Gold');
    await page.getByLabel('urgent: first response (minutes)').fill('30');
    await page.getByLabel('urgent: resolution (minutes)').fill('240');
    await page.getByRole('button', { name: 'Save SLA policy' }).click();
    await expect.poll(() => section('SLA policies').getByRole('cell', { name: 'Gold', exact: true }).count()).toBe(1);
  });

  it('writes a policy in the rule editor for tickets, previews it on the open tickets, and saves it', async () => {
    await page.getByRole('button', { name: 'New policy' }).click();
    await page.getByRole('textbox', { name: /^Key/ }).fill('high-value-first');
    await page.getByRole('textbox', { name: /^Name/ }).fill('High value first');
    await page.locator('[data-testid="rule-editor"] .cm-content').click();
    await page.keyboard.type('in segment "high-valu"', { delay: 10 });
    await page.keyboard.press('Escape');
    // The mistake is shown under the editor with its fix, as in the segment editor.
    await page.getByRole('button', { name: 'Use “high-value”' }).click();
    await page.getByRole('textbox', { name: 'Set priority' }).click();
    await page.getByRole('option', { name: 'urgent', exact: true }).click();
    await page.getByRole('textbox', { name: 'Set SLA' }).click();
    await page.getByRole('option', { name: 'Gold', exact: true }).click();
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.getByText(/\d+ of \d+ open tickets would change\./).isVisible()).toBe(true);
    expect(await page.getByRole('table', { name: 'Open tickets that would change' }).getByRole('row').count()).toBeGreaterThan(1);
    await ui.checkScreen('support-policies-editor');
    await page.getByRole('button', { name: 'Save policy' }).click();
    const row = section('Support policies').getByRole('row').filter({ hasText: 'High value first' });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toMatch(/\(done\)/);
    await ui.checkScreen('support-policies');
  }, 120_000);

  it('reorders the policies with the arrow buttons and by dragging a row', async () => {
    const created = await page.request.put(`${baseUrl}/api/v1/support-policies/email-tags`, {
      headers: { origin: baseUrl },
      data: { name: 'Email tags', position: 50, when: 'channel = "email"', set: { tags: ['email'] } },
    });
    expect(created.status(), await created.text()).toBe(201);
    await page.goto(`${baseUrl}/settings/support-policies`);
    const names = async () => {
      const rows = section('Support policies').locator('tbody tr');
      return Promise.all(Array.from({ length: await rows.count() }, (_, i) => rows.nth(i).getAttribute('aria-label')));
    };
    await expect.poll(names).toEqual(['High value first', 'Email tags']);
    await page.getByRole('button', { name: 'Move Email tags up' }).click();
    await expect.poll(names).toEqual(['Email tags', 'High value first']);
    // Dragging the second row onto the first puts it back first; the order is saved either way.
    const table = section('Support policies');
    await table.getByRole('row', { name: 'High value first' }).dragTo(table.getByRole('row', { name: 'Email tags' }));
    await expect.poll(names).toEqual(['High value first', 'Email tags']);
    const saved = await page.request.get(`${baseUrl}/api/v1/support-policies`);
    expect(((await saved.json()) as Array<{ key: string; position: number }>).map((p) => [p.key, p.position])).toEqual([
      ['high-value-first', 10],
      ['email-tags', 20],
    ]);
  });

  it("shows the decision on a high-value customer's ticket: priority, SLA due times, policy and history", async () => {
    await page.goto(`${baseUrl}/people/${customer.userId}`);
    const ticket = section('Tickets').getByRole('row').filter({ hasText: customer.subject }).first();
    await ticket.getByRole('button', { name: /^Decision on / }).click();
    await expect.poll(() => page.getByText('Priority urgent · queue — · SLA gold').isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/First response due/).isVisible()).toBe(true);
    expect(await page.getByText('From high-value-first (priority), high-value-first (sla)').isVisible()).toBe(true);
    expect(await page.getByRole('list', { name: 'Decisions' }).textContent()).toContain('policy-changed:high-value-first');
    await ui.checkScreen('ticket-decision', { waitFor: 'load' });
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
