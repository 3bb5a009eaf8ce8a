import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceEnrolment, advanceEnrolmentTask, BackgroundRuntime, enrolmentAttempts, type TaskServices } from '@strata/engine';
import { createApiKey, createWorkspace, ensureEventPartitions, workspaceScope, type WorkspaceScope } from '@strata/storage';
import { bootstrapOwner } from '../../server/src/routes/users/index.js';
import { openBrowserApp, owner, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * The Playbooks screen as a customer success lead uses it, in real Chromium against a real Strata
 * with the background workers running: a playbook written in the editor (segment trigger, a wait
 * and a CSM task), a person entering the segment through the ingestion API and their run showing
 * up, the wait passing and the task opening; a mistake the server finds shown at its field; the
 * task done from the tasks list; the kill switch. Each screen passes axe.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let adminKey: string;
let writeKey: string;
let runtime: BackgroundRuntime;
let scope: WorkspaceScope;
let workspaceId: string;
// The workers and the playbook steps read this clock: the test moves it past a wait instead of sleeping.
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
const services: TaskServices = { post: () => Promise.reject(new Error('no webhooks in this test')) };

beforeAll(async () => {
  database = await createTestDatabase();
  const workspace = await createWorkspace(database.db, { slug: 'default', name: 'Default' });
  workspaceId = workspace.id;
  scope = workspaceScope(database.db, workspace.id, now);
  await ensureEventPartitions(database.db, [now().toISOString().slice(0, 7)]);
  await bootstrapOwner(database.db, { workspaceId: workspace.id, ...owner, baseUrl: 'http://127.0.0.1', now }, () => undefined);
  adminKey = (await createApiKey(scope, { name: 'test admin', scopes: ['admin'] })).secret;
  writeKey = (await createApiKey(scope, { name: 'test ingest', scopes: ['ingest'] })).secret;
  runtime = new BackgroundRuntime({ db: database.db, pool: database.pool, now, services, subscriberPollMs: 100 });
  await runtime.start();
  ui = await openBrowserApp(database, { viewport: { width: 1280, height: 1000 } });
  ({ page, baseUrl } = ui);
  ui.context.setDefaultTimeout(15_000);
  // Rules name fields the workspace has seen; the segment is the playbook's trigger.
  await api('POST', '/v1/identify', { userId: 'first-seen', traits: { plan: 'free', seats: 1 } }, writeKey);
  await api('POST', '/api/v1/segments', { key: 'trialists', name: 'Trialists', target: 'person', rule: 'plan = "trial"' });
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await runtime?.stop();
  await database?.drop();
});

async function api(method: string, path: string, body?: unknown, key = adminKey): Promise<{ status: number; json: unknown }> {
  const headers =
    key === writeKey
      ? { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' }
      : { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (response.status >= 300 && response.status !== 404) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}
type Run = { id: string; userId: string; status: string; steps: Array<{ path: string; outcome: string }> };
const runsOf = async (key: string) => (await api('GET', `/api/v1/playbooks/${key}/runs`)).json as Run[];
const runsTable = () => page.getByRole('table', { name: 'Runs' });

describe('the Playbooks screen', () => {
  it('signs in', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${baseUrl}/segments`);
  });

  it('shows no playbooks yet, and writes one in the editor: segment trigger, a wait, a CSM task', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playbooks' }).click();
    await expect.poll(() => page.getByText('No playbooks yet').isVisible(), { timeout: 30_000 }).toBe(true);
    await page.getByRole('link', { name: 'New playbook' }).click();
    await page.getByRole('textbox', { name: /^Key/ }).fill('trial-call');
    await page.getByRole('textbox', { name: /^Name/ }).fill('Trial call');
    await page.getByRole('textbox', { name: /^Trigger: Segment/ }).click();
    await page.getByRole('option', { name: /^Trialists/ }).click();
    // The first step is a wait (one day, the default); then a task.
    await page.getByRole('button', { name: 'Add step to steps' }).click();
    await page.getByRole('textbox', { name: 'Add to steps' }).click();
    await page.getByRole('option', { name: 'CSM task', exact: true }).click();
    await page.getByRole('button', { name: 'Add step to steps' }).click();
    await page.getByRole('textbox', { name: /^Step 2: Task title/ }).fill('Call the trial');
    await page.getByRole('textbox', { name: /^Step 2: Assignee/ }).fill('csm@example.com');
    expect(await page.getByRole('textbox', { name: /^Step 1: Days/ }).inputValue()).toBe('1');
    // Steps move, nest (a branch's then list) and go again.
    const step = (name: string) => page.getByRole('group', { name, exact: true });
    await page.getByRole('button', { name: 'Move Step 2 up', exact: true }).click();
    expect(await step('Step 1: CSM task').count()).toBe(1);
    await page.getByRole('button', { name: 'Move Step 1 down', exact: true }).click();
    expect(await step('Step 2: CSM task').count()).toBe(1);
    await page.getByRole('textbox', { name: 'Add to steps' }).click();
    await page.getByRole('option', { name: 'Branch', exact: true }).click();
    await page.getByRole('button', { name: 'Add step to steps' }).click();
    await page.getByRole('button', { name: 'Add step to step 3 then' }).click();
    expect(await step('Step 3 then step 1: Wait').count()).toBe(1);
    await page.getByRole('button', { name: 'Remove Step 3', exact: true }).click();
    expect(await step('Step 3: Branch').count()).toBe(0);
    await ui.checkScreen('playbook-editor');
    await page.getByRole('button', { name: 'Save playbook' }).click();
    await page.waitForURL(`${baseUrl}/playbooks/trial-call`);
    const saved = (await api('GET', '/api/v1/playbooks/trial-call')).json;
    expect(saved).toMatchObject({
      name: 'Trial call',
      enabled: true,
      version: 1,
      trigger: { on: 'segment-entered', segment: 'trialists' },
      steps: [
        { type: 'wait', days: 1 },
        { type: 'task', title: 'Call the trial', assignee: 'csm@example.com' },
      ],
    });
  }, 120_000);

  it('shows the run of a person who enters the segment, then the wait passing and the task opening', async () => {
    await api('POST', '/v1/identify', { userId: 'ada', traits: { plan: 'trial', seats: 3 } }, writeKey);
    const adaRow = runsTable().getByRole('row', { name: /of ada$/ });
    await expect.poll(() => adaRow.count(), { timeout: 60_000 }).toBe(1);
    expect(await adaRow.textContent()).toMatch(/active.*step 1/);
    await ui.checkScreen('playbook-runs', { waitFor: 'load' });
    // A day and more later the wait is over: the run goes on and opens the task.
    offsetMs += 26 * 3_600_000;
    const [run] = await runsOf('trial-call');
    await advanceEnrolment(scope, run!.id, services);
    await expect.poll(() => adaRow.textContent(), { timeout: 30_000 }).toMatch(/completed/);
    await adaRow.getByRole('button', { name: /^Show 2 steps/ }).click();
    const steps = page.getByRole('table', { name: `Steps of run ${run!.id}` });
    expect(await steps.getByRole('row').allTextContents()).toEqual([
      'StepTypeOutcomeAt',
      expect.stringMatching(/^step 1Waitwaited/),
      expect.stringMatching(/^step 2CSM taskopened/),
    ]);
    // Filtering by status and person asks the server again.
    await page.getByRole('textbox', { name: 'Person (userId)' }).fill('nobody');
    await expect.poll(() => page.getByText('No runs of nobody yet.').isVisible()).toBe(true);
    await page.getByRole('textbox', { name: 'Person (userId)' }).fill('ada');
    await expect.poll(() => adaRow.count()).toBe(1);
  }, 120_000);

  it("shows the server's mistakes next to the fields they name, and stores nothing", async () => {
    await page.goto(`${baseUrl}/playbooks/new`);
    await page.getByRole('textbox', { name: /^Key/ }).fill('broken');
    await page.getByRole('textbox', { name: /^Name/ }).fill('Broken');
    await page.getByRole('textbox', { name: /^Trigger: Segment/ }).click();
    await page.getByRole('option', { name: /^Trialists/ }).click();
    await page.getByRole('button', { name: 'Add step to steps' }).click();
    await page.getByRole('textbox', { name: 'Add to steps' }).click();
    await page.getByRole('option', { name: 'Exit when', exact: true }).click();
    await page.getByRole('button', { name: 'Add step to steps' }).click();
    await page.getByRole('textbox', { name: 'Step 2: Exit when (a rule about the person)' }).click();
    await page.keyboard.type('seets > 2', { delay: 10 });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save playbook' }).click();
    const atField = page.locator('[data-field="steps[1].if"][role="alert"]');
    await expect.poll(() => atField.textContent(), { timeout: 30_000 }).toMatch(/seets/);
    expect(await page.getByRole('list', { name: 'Mistakes' }).textContent()).toContain('steps[1].if');
    expect((await api('GET', '/api/v1/playbooks/broken')).status).toBe(404);
    // A schedule whose cron is not one is refused at the cron, by the same route.
    await page.getByRole('textbox', { name: 'Trigger', exact: true }).click();
    await page.getByRole('option', { name: 'On a schedule, everyone in a segment' }).click();
    await page.getByRole('textbox', { name: /^Trigger: Cron/ }).fill('every monday');
    // The segment is kept from the segment trigger.
    expect(await page.getByRole('textbox', { name: /^Trigger: Segment/ }).inputValue()).toMatch(/^Trialists/);
    await page.getByRole('button', { name: 'Save playbook' }).click();
    await expect
      .poll(async () => page.getByRole('list', { name: 'Mistakes' }).textContent(), { timeout: 30_000 })
      .toContain('trigger.cron');
    expect(await page.locator('.mantine-InputWrapper-error').first().textContent()).toMatch(/cron|fields/);
    await ui.checkScreen('playbook-editor-mistakes');
    expect((await api('GET', '/api/v1/playbooks/broken')).status).toBe(404);
  }, 120_000);

  it('saves an event trigger with the properties the event must have', async () => {
    await page.goto(`${baseUrl}/playbooks/new`);
    await page.getByRole('textbox', { name: /^Key/ }).fill('settings-help');
    await page.getByRole('textbox', { name: /^Name/ }).fill('Settings help');
    await page.getByRole('textbox', { name: 'Trigger', exact: true }).click();
    await page.getByRole('option', { name: 'A person does an event' }).click();
    await page.getByRole('textbox', { name: /^Trigger: Event name/ }).fill('page-viewed');
    await page.getByRole('textbox', { name: /^Trigger: Only where the event has/ }).fill('path = "/settings/account"\nplan.seats = 5');
    await page.getByRole('textbox', { name: 'Add to steps' }).click();
    await page.getByRole('option', { name: 'CSM task', exact: true }).click();
    await page.getByRole('button', { name: 'Add step to steps' }).click();
    await page.getByRole('textbox', { name: /^Step 1: Task title/ }).fill('Offer help with settings');
    await page.getByRole('button', { name: 'Save playbook' }).click();
    await page.waitForURL(`${baseUrl}/playbooks/settings-help`);
    const saved = (await api('GET', '/api/v1/playbooks/settings-help')).json as { trigger: unknown };
    expect(saved.trigger).toEqual({ on: 'event', event: 'page-viewed', where: { path: '/settings/account', 'plan.seats': 5 } });
  }, 120_000);

  it("previews an email step for a customer as it would be sent, and names a template's mistake", async () => {
    await page.goto(`${baseUrl}/playbooks/new`);
    await page.getByRole('textbox', { name: 'Add to steps' }).click();
    await page.getByRole('option', { name: 'Email', exact: true }).click();
    await page.getByRole('button', { name: 'Add step to steps' }).click();
    await page.getByRole('textbox', { name: /^Step 1: Subject/ }).fill('Your {{ person.plan }} plan');
    await page.getByRole('textbox', { name: /^Step 1: Text/ }).fill('Hello {{ person.userId }}, {{ person.seats }} seats so far.');
    await page.getByRole('textbox', { name: 'Step 1: Preview for customer (userId)' }).fill('ada');
    await page.getByRole('button', { name: 'Preview email' }).click();
    // Without an email address there is nothing to send, and the preview says so.
    const alert = page.getByRole('alert').filter({ hasText: 'The email could not be rendered' });
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toContain('no email trait');
    await api('POST', '/v1/identify', { userId: 'ada', traits: { email: 'ada@example.com' } }, writeKey);
    await page.getByRole('button', { name: 'Preview email' }).click();
    const rendered = page.getByRole('group', { name: 'Step 1: rendered email' });
    await expect.poll(() => rendered.textContent(), { timeout: 30_000 }).toContain('Your trial plan');
    expect(await rendered.textContent()).toContain('Hello ada, 3 seats so far.');
    expect(await rendered.textContent()).toMatch(/unsubscribe\?token=/);
    await ui.checkScreen('playbook-email-preview');
    await page.getByRole('textbox', { name: /^Step 1: Subject/ }).fill('Your {{ person.plan plan');
    await page.getByRole('button', { name: 'Preview email' }).click();
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toContain('steps[0].subject');
  }, 120_000);

  it('lists the CSM task with its person and marks it done', async () => {
    await page.goto(`${baseUrl}/playbooks`);
    await page.getByRole('link', { name: 'CSM tasks' }).click();
    const row = page.getByRole('table', { name: 'CSM tasks' }).getByRole('row', { name: 'Call the trial' });
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.getByRole('link', { name: 'ada' }).getAttribute('href')).toBe('/people/ada');
    expect(await row.textContent()).toContain('csm@example.com');
    await ui.checkScreen('playbook-tasks');
    await row.getByRole('button', { name: 'Mark done: Call the trial' }).click();
    await expect.poll(() => page.getByText('No open tasks.').isVisible()).toBe(true);
    const tasks = (await api('GET', '/api/v1/tasks')).json as Array<{ title: string; status: string }>;
    expect(tasks).toMatchObject([{ title: 'Call the trial', status: 'done' }]);
    await page.getByRole('radiogroup', { name: 'Task status' }).locator('label', { hasText: 'Done' }).click();
    await expect.poll(() => row.count()).toBe(1);
  });

  it('lists the playbook with its trigger, version and runs, and switches it off and on', async () => {
    await page.goto(`${baseUrl}/playbooks`);
    const row = page.getByRole('table', { name: 'Playbooks' }).getByRole('row').filter({ hasText: 'Trial call' });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('1 completed');
    expect(await row.textContent()).toContain('enters trialists');
    await ui.checkScreen('playbooks-list');
    const toggle = row.getByRole('switch', { name: 'Enabled: Trial call' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click({ force: true });
    await expect.poll(async () => ((await api('GET', '/api/v1/playbooks/trial-call')).json as { enabled: boolean }).enabled).toBe(false);
    await expect.poll(() => toggle.isChecked()).toBe(false);
    // Off: a person entering the segment now is not enrolled.
    await api('POST', '/v1/identify', { userId: 'bob', traits: { plan: 'trial', seats: 2 } }, writeKey);
    const members = async () =>
      ((await api('GET', '/api/v1/segments')).json as Array<{ key: string; members: number }>).find((s) => s.key === 'trialists')?.members;
    await expect.poll(members, { timeout: 30_000 }).toBe(2);
    expect((await runsOf('trial-call')).map((r) => r.userId)).toEqual(['ada']);
    await toggle.click({ force: true });
    await expect
      .poll(async () => (await api('GET', '/api/v1/playbooks/trial-call')).json as { enabled: boolean; version: number })
      .toMatchObject({
        enabled: true,
        version: 3,
      });
    // The editor opens on what is saved.
    await page.goto(`${baseUrl}/playbooks/trial-call/edit`);
    expect(await page.getByRole('textbox', { name: /^Step 2: Task title/ }).inputValue()).toBe('Call the trial');
    expect(await page.getByRole('textbox', { name: /^Key/ }).isDisabled()).toBe(true);
  }, 120_000);

  it("shows a failed run's error and retries it", async () => {
    await api('PUT', '/api/v1/playbooks/tag-trialists', {
      name: 'Tag trialists',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'trialists' },
      steps: [{ type: 'set-trait', trait: 'tagged', value: 'yes' }],
    });
    // Known only anonymously: there is no userId to write the trait for, so the step fails.
    await api('POST', '/v1/identify', { anonymousId: 'anon-1', traits: { plan: 'trial' } }, writeKey);
    await expect.poll(async () => (await runsOf('tag-trialists')).length, { timeout: 60_000 }).toBe(1);
    const [run] = await runsOf('tag-trialists');
    // Its last attempt, as the job runner makes it after the backoff.
    const context = {
      db: database.db,
      now,
      attempt: enrolmentAttempts,
      maxAttempts: enrolmentAttempts,
      lastAttempt: true,
      log: () => undefined,
      services,
    };
    await advanceEnrolmentTask.run({ workspaceId, enrolmentId: run!.id }, context);
    await expect.poll(async () => (await runsOf('tag-trialists'))[0]?.status, { timeout: 30_000 }).toBe('failed');
    await page.goto(`${baseUrl}/playbooks/tag-trialists`);
    await page.getByRole('textbox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'failed', exact: true }).click();
    const failure = page.getByRole('alert').filter({ hasText: `Run ${run!.id} failed at step 1` });
    await expect.poll(() => failure.textContent(), { timeout: 30_000 }).toContain('userId');
    await ui.checkScreen('playbook-run-failed', { waitFor: 'load' });
    await failure.getByRole('button', { name: `Retry run ${run!.id}` }).click();
    await expect.poll(() => page.getByText('No runs that are failed yet.').isVisible(), { timeout: 30_000 }).toBe(true);
    expect((await runsOf('tag-trialists'))[0]).toMatchObject({ id: run!.id, status: 'active', error: null });
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  }, 120_000);
});
