import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SecretBox } from '@strata/engine';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

// A client that GETs a playbook, edits one field and PUTs it back must succeed: the PUT takes the
// nulls and the read-only fields (key, version, updatedAt) that GET answers.

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
// Email settings are saved only once their SMTP server accepts a connection: this one, on loopback.
const smtp = new SMTPServer({ disabledCommands: ['STARTTLS'], authOptional: true, logger: false });

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  // The SMTP server is on loopback: allowed as STRATA_ALLOW_PRIVATE_WEBHOOKS=true allows it.
  app = await createTestApp(database, { secrets: new SecretBox(randomBytes(32)), allowPrivateWebhooks: true });
  const seen = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId: 'first-seen', traits: { plan: 'free', email: 'a@example.com' }, messageId: 'm-first-seen' },
  });
  expect(seen.statusCode, seen.body).toBe(200);
  const segment = await api('POST', '/api/v1/segments', { key: 'trialists', name: 'Trialists', target: 'person', rule: 'plan = "trial"' });
  expect(segment.statusCode, segment.body).toBe(201);
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  const email = await api('PUT', '/api/v1/settings/email', { host: '127.0.0.1', port, secure: false, from: 'hi@example.com' });
  expect(email.statusCode, email.body).toBe(200);
});
afterAll(async () => {
  await app.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await database.drop();
});

async function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
}

/** Every kind of step, so that each one's GET form is checked against the PUT schema. */
const steps = [
  { type: 'email', subject: 'Welcome {{ person.name }}', text: 'Hello', html: '<p>Hello</p>' },
  { type: 'wait', days: 1, until: '09:00' },
  { type: 'branch', if: 'plan = "trial"', then: [{ type: 'task', title: 'Call them', dueInDays: 2 }], else: [] },
  { type: 'set-trait', trait: 'onboarded', value: true },
  { type: 'webhook', url: 'https://hooks.example.com/strata' },
  { type: 'in-app', title: 'Hi', body: 'Welcome aboard', cta: { label: 'Start', url: 'https://example.com/start' } },
  { type: 'survey', kind: 'nps', subject: 'How likely are you to recommend us?' },
  { type: 'exit-when', if: 'plan = "pro"' },
];

it('a playbook GET answers (nulls for what it leaves out) PUT back unchanged answers 200 and stores the same playbook', async () => {
  const created = await api('PUT', '/api/v1/playbooks/onboarding', {
    name: 'Onboarding',
    enabled: true,
    trigger: { on: 'segment-entered', segment: 'trialists' },
    steps,
  });
  expect(created.statusCode, created.body).toBe(201);
  const read = await api('GET', '/api/v1/playbooks/onboarding');
  const before = read.json<Record<string, unknown>>();
  expect(before).toMatchObject({ key: 'onboarding', version: 1, filter: null, experiment: null, quietHours: null });

  const same = await api('PUT', '/api/v1/playbooks/onboarding', before);
  expect(same.statusCode, same.body).toBe(200);
  // Nothing changed: the same version, as before.
  expect((await api('GET', '/api/v1/playbooks/onboarding')).json()).toEqual(before);

  const edited = await api('PUT', '/api/v1/playbooks/onboarding', { ...before, name: 'Onboarding v2' });
  expect(edited.statusCode, edited.body).toBe(200);
  const after = (await api('GET', '/api/v1/playbooks/onboarding')).json<Record<string, unknown>>();
  expect(after).toEqual({ ...before, name: 'Onboarding v2', version: 2, updatedAt: after['updatedAt'] });
});

it('null reads as absent for a set field: PUT with filter null clears the filter', async () => {
  const body = {
    name: 'Filtered',
    enabled: true,
    trigger: { on: 'segment-entered', segment: 'trialists' },
    filter: 'plan = "trial"',
    steps,
  };
  expect((await api('PUT', '/api/v1/playbooks/filtered', body)).statusCode).toBe(201);
  const cleared = await api('PUT', '/api/v1/playbooks/filtered', { ...body, filter: null, reenrollAfterDays: null, frequencyCap: null });
  expect(cleared.statusCode, cleared.body).toBe(200);
  expect(cleared.json()).toMatchObject({ version: 2, filter: null, reenrollAfterDays: null, frequencyCap: null });
});

it('a key that differs from the path answers 400 naming key, and stores nothing', async () => {
  const before = (await api('GET', '/api/v1/playbooks/onboarding')).json<Record<string, unknown>>();
  const moved = await api('PUT', '/api/v1/playbooks/onboarding', { ...before, key: 'elsewhere', name: 'Moved' });
  expect(moved.statusCode).toBe(400);
  const error = moved.json<{ error: { message: string; details: Array<{ field: string; message: string }> } }>().error;
  expect(error.details.map((d) => d.field)).toEqual(['key']);
  expect(error.message).toContain('onboarding');
  expect((await api('GET', '/api/v1/playbooks/onboarding')).json()).toEqual(before);
  expect((await api('GET', '/api/v1/playbooks/elsewhere')).statusCode).toBe(404);
});
