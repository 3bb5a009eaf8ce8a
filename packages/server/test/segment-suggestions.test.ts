import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSampleData } from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
const anchor = new Date('2026-12-07T00:00:00Z');
const now = () => anchor;

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  await loadSampleData(workspaceScope(database.db, ws.workspace.id, now), database.pool, { size: 'xs', seed: 7 });
  app = await createTestApp(database, { now });
}, 240_000);
afterAll(async () => {
  await app.close();
  await database.drop();
});

const admin = () => ({ authorization: `Bearer ${ws.adminKey}` });

interface SuggestionView {
  name: string;
  rule: string;
  size: number;
  fidelity: { precision: number; recall: number };
  distinguishing: Array<{ feature: string; value: number | null; rest: number | null }>;
  segment: { key: string; name: string; target: string; rule: string };
  silhouette: number | null;
}

const suggest = (body: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/v1/analytics/suggestions', headers: admin(), payload: body });

it('suggests account segments whose ready body creates the segment in one call', async () => {
  const response = await suggest({
    target: 'account',
    method: 'kmeans',
    features: ['mrr', 'days_since_last_event', 'status=trial_expired'],
    seed: 3,
  });
  expect(response.statusCode).toBe(200);
  const suggestions = response.json<SuggestionView[]>();
  expect(suggestions.length).toBeGreaterThanOrEqual(2);
  const trials = suggestions.find((s) => s.rule === 'status = "trial_expired"');
  expect(trials?.fidelity).toEqual({ precision: 1, recall: 1 });
  expect(trials?.distinguishing.map((d) => d.feature)).toContain('status=trial_expired');
  expect(suggestions.every((s) => s.silhouette !== null && s.silhouette > 0)).toBe(true);

  const created = await app.inject({ method: 'POST', url: '/api/v1/segments', headers: admin(), payload: trials!.segment });
  expect(created.statusCode).toBe(201);
  const members = await app.inject({ method: 'GET', url: `/api/v1/segments/${trials!.segment.key}`, headers: admin() });
  expect(members.json<{ members: number }>().members).toBe(trials!.size);
}, 120_000);

it('suggests RFM groups over an event', async () => {
  const response = await suggest({ target: 'account', method: 'rfm', event: 'invoice_paid' });
  expect(response.statusCode).toBe(200);
  const names = response.json<SuggestionView[]>().map((s) => s.name);
  expect(names).toContain('Champions');
}, 120_000);

it.each([
  [{ target: 'account', method: 'kmeans', features: ['mrr', 'shoe_size'] }, 'features', /"shoe_size"/],
  [{ target: 'account', method: 'kmeans', k: 40 }, 'k', /k: 40 is out of range/],
  [{ target: 'account', method: 'rfm', event: 'never_sent' }, 'event', /"never_sent"/],
  [{ target: 'team', method: 'kmeans' }, 'target', /target/],
  [{ target: 'account', method: 'dbscan' }, 'method', /method/],
])('answers 400 naming the field for %j', async (body, field, message) => {
  const response = await suggest(body);
  expect(response.statusCode).toBe(400);
  const error = response.json<{ error: { message: string } }>().error;
  expect(error.message).toContain(field);
  expect(error.message).toMatch(message);
});
