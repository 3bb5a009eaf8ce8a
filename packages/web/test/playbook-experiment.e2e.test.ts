import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundRuntime } from '@strata/engine';
import { createApiKey, createWorkspace, ensureEventPartitions, workspaceScope } from '@strata/storage';
import { bootstrapOwner } from '../../server/src/routes/users/index.js';
import { now, openBrowserApp, owner, type BrowserApp } from './harness/browser-app.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

/**
 * The experiment readout of a playbook as a CS lead reads it, in real Chromium against a real
 * Strata: sixty trial people enter a segment and are split between a holdout and two arms, some
 * reach the goal (upgrading to pro), and the Experiment tab shows each group's rate with its
 * interval as a chart, each arm's p-value with the sample sizes behind it, and the warnings in
 * words, as GET /api/v1/playbooks/{key}/experiment answers them (CONTRACT.md, "Playbooks").
 * It needs the experiments part of the server (issue 18); it passes once that is merged.
 */

let database: TestDatabase;
let baseUrl: string;
let ui: BrowserApp;
let page: Page;
let adminKey: string;
let writeKey: string;
let runtime: BackgroundRuntime;
const people = Array.from({ length: 60 }, (_, i) => `trial-${String(i).padStart(2, '0')}`);

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
  ui.context.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await ui?.close();
  await runtime?.stop();
  await database?.drop();
});

async function api(method: string, path: string, body?: unknown, key = adminKey): Promise<unknown> {
  const headers =
    key === writeKey
      ? { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' }
      : { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}
interface Group {
  key?: string;
  enrolled: number;
  reached: number;
  rate: number | null;
  pValue?: number | null;
}
interface Readout {
  arms: Array<Group & { key: string }>;
  holdout: Group;
  warnings: unknown[];
}
const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

describe('the experiment readout', () => {
  it('splits sixty trial people between a holdout and two arms, and some reach the goal', async () => {
    await api('POST', '/v1/identify', { userId: 'first-seen', traits: { plan: 'free' } }, writeKey);
    await api('POST', '/api/v1/segments', { key: 'trialists', name: 'Trialists', target: 'person', rule: 'plan = "trial"' });
    await api('PUT', '/api/v1/playbooks/upgrade-test', {
      name: 'Upgrade test',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'trialists' },
      steps: [],
      experiment: {
        holdoutPercent: 20,
        arms: [
          { key: 'nudge', weight: 50, steps: [{ type: 'set-trait', trait: 'nudged', value: true }] },
          { key: 'call', weight: 50, steps: [{ type: 'task', title: 'Call about upgrading' }] },
        ],
        goal: { rule: 'plan = "pro"', withinDays: 7 },
      },
    });
    expect(await api('GET', '/api/v1/playbooks/upgrade-test')).toMatchObject({ experiment: { holdoutPercent: 20 } });
    await api('POST', '/v1/batch', { batch: people.map((userId) => ({ type: 'identify', userId, traits: { plan: 'trial' } })) }, writeKey);
    const enrolled = async () => ((await api('GET', '/api/v1/playbooks/upgrade-test/runs?limit=500')) as unknown[]).length;
    await expect.poll(enrolled, { timeout: 120_000, interval: 1000 }).toBe(people.length);
    // Every third person upgrades: the goal rule holds for them within the window.
    const upgraded = people.filter((_, i) => i % 3 === 0);
    await api('POST', '/v1/batch', { batch: upgraded.map((userId) => ({ type: 'identify', userId, traits: { plan: 'pro' } })) }, writeKey);
    const reached = async () => {
      const readout = (await api('GET', '/api/v1/playbooks/upgrade-test/experiment')) as Readout;
      return [readout.holdout, ...readout.arms].reduce((sum, g) => sum + g.reached, 0);
    };
    await expect.poll(reached, { timeout: 120_000, interval: 1000 }).toBe(upgraded.length);
  }, 300_000);

  it('shows each group with its rate, interval, p-value with its sample sizes, and the warnings in words', async () => {
    await page.goto(`${baseUrl}/sign-in`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${baseUrl}/segments`);
    await page.goto(`${baseUrl}/playbooks/upgrade-test`);
    await page.getByRole('tab', { name: 'Experiment' }).click();
    const readout = (await api('GET', '/api/v1/playbooks/upgrade-test/experiment')) as Readout;
    const table = page.getByRole('table', { name: 'Arms' });
    await expect.poll(() => table.getByRole('row').count(), { timeout: 30_000 }).toBe(1 + 1 + readout.arms.length);
    // Every enrolled person is in exactly one group, and each rate is its reached over enrolled.
    const groups = [readout.holdout, ...readout.arms];
    expect(groups.reduce((sum, g) => sum + g.enrolled, 0)).toBe(people.length);
    for (const g of groups) if (g.enrolled > 0) expect(g.rate).toBeCloseTo(g.reached / g.enrolled, 9);
    const holdoutRow = table.getByRole('row').filter({ hasText: /^holdout/ });
    expect(await holdoutRow.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['holdout', String(readout.holdout.enrolled), String(readout.holdout.reached), percent(readout.holdout.rate)]),
    );
    for (const arm of readout.arms) {
      const cells = await table
        .getByRole('row')
        .filter({ hasText: new RegExp(`^${arm.key}`) })
        .getByRole('cell')
        .allTextContents();
      expect(cells.slice(0, 4)).toEqual([arm.key, String(arm.enrolled), String(arm.reached), percent(arm.rate)]);
      // Never a p-value without the sample sizes it rests on.
      expect(cells[6]).toMatch(new RegExp(`^p = [<\\d. ]+ \\(n = ${arm.enrolled} vs ${readout.holdout.enrolled}\\)$`));
    }
    const chart = page.getByRole('img', { name: /^Goal rate by group: holdout / });
    expect(await chart.getAttribute('aria-label')).toContain(`holdout ${percent(readout.holdout.rate)}`);
    // Sixty people are too few to tell a modest effect: the readout says so, in words.
    expect(readout.warnings.length).toBeGreaterThan(0);
    const warnings = await page.getByRole('list', { name: 'Experiment warnings' }).getByRole('listitem').allTextContents();
    expect(warnings).toHaveLength(readout.warnings.length);
    for (const text of warnings) expect(text).toMatch(/ \w+ \w+ /);
    await ui.checkScreen('playbook-experiment');
    expect(ui.cspViolations).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  }, 120_000);
});
