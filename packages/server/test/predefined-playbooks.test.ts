import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundRuntime, ensurePredefinedSegments, predefinedPlaybooks, SecretBox } from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: BackgroundRuntime;
const secrets = new SecretBox(randomBytes(32));
const now = () => new Date();

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now, secrets });
  // A workspace has its predefined segments (trial, inactive, onboarding-stalled, ...) from the segment engine's upkeep.
  await ensurePredefinedSegments(workspaceScope(database.db, ws.workspace.id, now), {});
  runtime = new BackgroundRuntime({
    db: database.db,
    pool: database.pool,
    now,
    services: { secrets, post: () => Promise.reject(new Error('no webhook in these tests')) },
    subscriberPollMs: 200,
  });
  await runtime.start();
});
afterAll(async () => {
  await runtime.stop();
  await app.close();
  await database.drop();
});

async function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
}
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('predefined playbooks', () => {
  it('lists the six of the seeds, none installed yet', async () => {
    const listed = (await api('GET', '/api/v1/predefined-playbooks')).json<
      Array<{
        key: string;
        installed: boolean;
        segments: string[];
      }>
    >();
    expect(listed.map((p) => p.key)).toEqual([
      'trial-onboarding',
      'first-invoice-explainer',
      're-engagement',
      'promoter-review-request',
      'detractor-call',
      'onboarding-stalled-nudge',
    ]);
    expect(listed.every((p) => !p.installed)).toBe(true);
    expect(listed.find((p) => p.key === 'detractor-call')!.segments).toEqual(['detractors']);
  });

  it('installs each disabled, with the segments it triggers on, and refuses a second install or an unknown key', async () => {
    for (const { key } of predefinedPlaybooks) {
      const installed = await api('POST', `/api/v1/predefined-playbooks/${key}/install`);
      expect(installed.statusCode, installed.body).toBe(201);
      expect(installed.json()).toMatchObject({ key, enabled: false, version: 1 });
    }
    const segments = (await api('GET', '/api/v1/segments')).json<Array<{ key: string }>>().map((s) => s.key);
    expect(segments).toEqual(expect.arrayContaining(['promoters', 'detractors', 'first-invoice', 'trial', 'inactive']));
    const listed = (await api('GET', '/api/v1/predefined-playbooks')).json<Array<{ installed: boolean }>>();
    expect(listed.every((p) => p.installed)).toBe(true);
    expect((await api('POST', '/api/v1/predefined-playbooks/detractor-call/install')).statusCode).toBe(409);
    expect((await api('POST', '/api/v1/predefined-playbooks/no-such-play/install')).statusCode).toBe(404);
  });

  it('stays disabled until a sender is set: enabling an email play without email settings names its email steps', async () => {
    const stored = (await api('GET', '/api/v1/playbooks/trial-onboarding')).json<Record<string, unknown>>();
    const enabled = await api('PUT', '/api/v1/playbooks/trial-onboarding', { ...strip(stored), enabled: true });
    expect(enabled.statusCode, enabled.body).toBe(400);
    const fields = enabled.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field);
    expect(fields).toEqual(['steps[0]', 'steps[3]']);
    expect((await api('GET', '/api/v1/playbooks/trial-onboarding')).json()).toMatchObject({ enabled: false, version: 1 });
  });

  it('a detractor gets a call task once the detractor play is enabled', async () => {
    const stored = (await api('GET', '/api/v1/playbooks/detractor-call')).json<Record<string, unknown>>();
    const enabled = await api('PUT', '/api/v1/playbooks/detractor-call', { ...strip(stored), enabled: true });
    expect(enabled.statusCode, enabled.body).toBe(200);
    const identified = await app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { authorization: basicAuth(ws.writeKey) },
      payload: { userId: 'dora', traits: { email: 'dora@example.com' } },
    });
    expect(identified.statusCode, identified.body).toBe(200);
    const answered = await api('POST', '/api/v1/surveys/responses', { userId: 'dora', kind: 'nps', score: 3 });
    expect(answered.statusCode, answered.body).toBeLessThan(300);
    const task = await until('the detractor call task', async () => {
      const tasks = (await api('GET', '/api/v1/tasks')).json<Array<{ title: string; playbook: string; reason: string | null }>>();
      return tasks.find((t) => t.playbook === 'detractor-call');
    });
    expect(task.title).toBe('Call a detractor about their NPS answer');
    expect(task.reason).toMatch(/6 or lower/);
  });
});

/** A playbook as GET answers it, back into a PUT body: read-only fields out, nulls as absent. */
function strip(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).filter(([k, v]) => v !== null && !['key', 'version', 'createdAt', 'updatedAt'].includes(k)),
  );
}
