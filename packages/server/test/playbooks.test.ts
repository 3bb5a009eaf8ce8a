import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceEnrolment,
  advanceEnrolmentTask,
  BackgroundRuntime,
  enrolmentAttempts,
  SecretBox,
  sendOutboundRequest,
  type TaskServices,
} from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: BackgroundRuntime;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const secrets = new SecretBox(randomBytes(32));
const services: TaskServices = {
  secrets,
  // The receiver is on loopback: allowed here as STRATA_ALLOW_PRIVATE_WEBHOOKS=true allows it.
  post: async (request) => {
    const response = await sendOutboundRequest({ ...request, method: 'POST' }, { allowPrivate: true, timeoutMs: 5000 });
    return { status: response.status, body: response.body };
  },
};
// The app and the workers read one clock; tests move it past a wait instead of sleeping through it.
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now, secrets });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  runtime = new BackgroundRuntime({ db: database.db, pool: database.pool, now, services, subscriberPollMs: 200 });
  await runtime.start();
  for (const [key, rule] of [
    ['trialists', 'plan = "trial"'],
    ['payers', 'plan = "pro"'],
    ['enterprise', 'plan = "enterprise"'],
  ])
    expect((await api('POST', '/api/v1/segments', { key, name: key, target: 'person', rule })).statusCode).toBe(201);
  const accounts = { key: 'strategic', name: 'Strategic accounts', target: 'account', rule: 'tier = "strategic"' };
  await group('seed-account', { tier: 'none' }, 'first-seen');
  expect((await api('POST', '/api/v1/segments', accounts)).statusCode).toBe(201);
  // Rules name fields the workspace has seen.
  await identify({ plan: 'free', seats: 1, role: 'member' }, { userId: 'first-seen' });
});
afterAll(async () => {
  await runtime.stop();
  await app.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await database.drop();
});

const scope = () => workspaceScope(database.db, ws.workspace.id, now);
async function api(method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ws.adminKey}` },
    ...(payload ? { payload } : {}),
  });
}
async function identify(traits: Record<string, unknown>, who: { userId?: string; anonymousId?: string }) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { ...who, traits, messageId: `m-${randomBytes(6).toString('hex')}` },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function group(groupId: string, traits: Record<string, unknown>, userId: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/group',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId, groupId, traits, messageId: `m-${randomBytes(6).toString('hex')}` },
  });
  expect(response.statusCode, response.body).toBe(200);
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
type Run = {
  cause: Record<string, unknown>;
  id: string;
  userId: string;
  status: string;
  version: number;
  nextStep: string | null;
  error: string | null;
  startedAt: string;
  steps: Array<{ path: string; outcome: string; detail: unknown }>;
};
async function runs(key: string, query = ''): Promise<Run[]> {
  const response = await api('GET', `/api/v1/playbooks/${key}/runs${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Run[]>();
}
const runOf = (key: string, userId: string, test: (run: Run) => boolean) => async () => (await runs(key, `?personId=${userId}`)).find(test);
type Task = { id: string; title: string; assignee: string | null; status: string; reason: string | null };
async function tasks(query = ''): Promise<Task[]> {
  const response = await api('GET', `/api/v1/tasks${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Task[]>();
}

const onboarding = {
  name: 'Trial onboarding',
  enabled: true,
  trigger: { on: 'segment-entered', segment: 'trialists' },
  steps: [
    { type: 'wait', minutes: 30 },
    {
      type: 'branch',
      if: 'seats >= 5',
      then: [{ type: 'task', title: 'Call the big trial', assignee: 'csm@example.com', dueInDays: 2 }],
      else: [{ type: 'set-trait', trait: 'nudged', value: true }],
    },
  ],
};

describe('playbooks', { shuffle: false }, () => {
  it('refuses a playbook with mistakes, naming each field, and stores nothing', async () => {
    const bad = await api('PUT', '/api/v1/playbooks/broken', {
      ...onboarding,
      trigger: { on: 'segment-entered', segment: 'nope' },
      filter: 'plan = ',
      steps: [
        { type: 'wait', minutes: 1 },
        { type: 'branch', if: 'seats >=', then: [{ type: 'exit-when', if: 'bogus(' }] },
      ],
    });
    expect(bad.statusCode, bad.body).toBe(400);
    const fields = bad.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field);
    expect(fields).toContain('trigger.segment');
    expect(fields).toContain('filter');
    expect(fields).toContain('steps[1].if');
    expect(fields).toContain('steps[1].then[0].if');
    const unknownType = await api('PUT', '/api/v1/playbooks/broken', { ...onboarding, steps: [{ type: 'teleport' }] });
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.body).toContain('steps');
    expect((await api('GET', '/api/v1/playbooks/broken')).statusCode).toBe(404);
    expect((await api('GET', '/api/v1/playbooks')).json()).toEqual([]);
  });

  it('saves versions: the same definition again is no new version', async () => {
    const created = await api('PUT', '/api/v1/playbooks/onboarding', onboarding);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      key: 'onboarding',
      version: 1,
      steps: [{ type: 'wait' }, { type: 'branch', if: 'seats >= 5' }],
    });
    const again = await api('PUT', '/api/v1/playbooks/onboarding', onboarding);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 1 });
  });

  // Before any test moves the clock: receivers check the signature's timestamp against theirs.
  it('posts a webhook step that standardwebhooks verifies, once per run and step', async () => {
    const bad = await api('PUT', '/api/v1/playbooks/notify', {
      name: 'Notify the CRM',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'enterprise' },
      steps: [{ type: 'webhook', url: 'ftp://crm.example/in', secret: 'short' }],
    });
    expect(bad.json<{ error: { details: Array<{ field: string }> } }>().error.details.map((d) => d.field)).toEqual([
      'steps[0].url',
      'steps[0].secret',
    ]);
    const saved = await api('PUT', '/api/v1/playbooks/notify', {
      name: 'Notify the CRM',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'enterprise' },
      steps: [{ type: 'webhook', url: receiverUrl }],
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const secret = saved.json<{ steps: Array<{ secret: string }> }>().steps[0]!.secret;
    expect(secret).toMatch(/^whsec_/);
    expect((await api('GET', '/api/v1/playbooks/notify')).body).not.toContain(secret);
    await identify({ plan: 'enterprise' }, { userId: 'hooked' });
    const run = await until(
      'hooked delivered',
      runOf('notify', 'hooked', (r) => r.status === 'completed'),
    );
    expect(run.steps.map((s) => s.outcome)).toEqual(['delivered']);
    const [message] = received;
    const payload = new Webhook(secret).verify(message!.body, message!.headers as Record<string, string>) as {
      type: string;
      data: { playbook: string; run: string; person: { userId: string } };
    };
    expect(payload).toMatchObject({ type: 'playbook.step', data: { playbook: 'notify', run: run.id, person: { userId: 'hooked' } } });
    await advanceEnrolment(scope(), run.id, services);
    expect(received).toHaveLength(1);
    // Saved again without the secret (as the kill switch does), the step keeps the one its receiver holds.
    const again = await api('PUT', '/api/v1/playbooks/notify', {
      name: 'Notify the CRM (renamed)',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'enterprise' },
      steps: [{ type: 'webhook', url: receiverUrl }],
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<{ version: number; steps: Array<{ secret?: string }> }>()).toMatchObject({ version: 2 });
    expect(again.json<{ steps: Array<{ secret?: string }> }>().steps[0]!.secret).toBeUndefined();
    await identify({ plan: 'enterprise' }, { userId: 'hooked-again' });
    await until(
      'hooked-again delivered',
      runOf('notify', 'hooked-again', (r) => r.status === 'completed'),
    );
    const second = received[1]!;
    expect(new Webhook(secret).verify(second.body, second.headers as Record<string, string>)).toMatchObject({
      data: { person: { userId: 'hooked-again' } },
    });
  });

  it('enrolls a person entering the segment, waits, then branches on their profile', async () => {
    await identify({ plan: 'trial', seats: 8 }, { userId: 'big' });
    await identify({ plan: 'trial', seats: 1 }, { userId: 'small' });
    // Both stop at the wait: nothing after it has run.
    for (const userId of ['big', 'small']) {
      const run = await until(
        `${userId} enrolled`,
        runOf('onboarding', userId, (r) => r.nextStep === '0'),
      );
      expect(run).toMatchObject({ status: 'active', version: 1, steps: [] });
    }
    expect(await tasks()).toEqual([]);
    offsetMs += 31 * 60_000;
    for (const run of await runs('onboarding')) await advanceEnrolment(scope(), run.id, services);
    const big = await until(
      'big done',
      runOf('onboarding', 'big', (r) => r.status === 'completed'),
    );
    expect(big.steps.map((s) => [s.path, s.outcome])).toEqual([
      ['0', 'waited'],
      ['1', 'then'],
      ['1.then.0', 'opened'],
    ]);
    const small = await until(
      'small done',
      runOf('onboarding', 'small', (r) => r.status === 'completed'),
    );
    expect(small.steps.map((s) => s.outcome)).toEqual(['waited', 'else', 'set']);
    const person = await api('GET', '/api/v1/people/small');
    expect(person.json<{ traits: Record<string, unknown> }>().traits).toMatchObject({ nudged: true });
    expect(await tasks('?assignee=csm@example.com&status=open')).toMatchObject([
      { title: 'Call the big trial', reason: 'playbook onboarding' },
    ]);
  });

  it('runs each step once however many workers advance an enrolment at once', async () => {
    await api('PUT', '/api/v1/playbooks/call-pro', {
      name: 'Call new pro customers',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'payers' },
      steps: [
        { type: 'wait', minutes: 5 },
        { type: 'task', title: 'Welcome call' },
      ],
    });
    await identify({ plan: 'pro' }, { userId: 'payer' });
    const run = await until(
      'payer enrolled',
      runOf('call-pro', 'payer', () => true),
    );
    offsetMs += 6 * 60_000;
    await Promise.all([1, 2, 3, 4].map(() => advanceEnrolment(scope(), run.id, services)));
    await until(
      'payer done',
      runOf('call-pro', 'payer', (r) => r.status === 'completed'),
    );
    expect((await tasks()).filter((t) => t.title === 'Welcome call')).toHaveLength(1);
  });

  it('finishes an enrolment on the version it started on', async () => {
    await identify({ plan: 'trial', seats: 9 }, { userId: 'early' });
    const run = await until(
      'early enrolled',
      runOf('onboarding', 'early', () => true),
    );
    const changed = await api('PUT', '/api/v1/playbooks/onboarding', {
      ...onboarding,
      steps: [
        { type: 'wait', minutes: 30 },
        { type: 'task', title: 'v2 task' },
      ],
    });
    expect(changed.json()).toMatchObject({ version: 2 });
    offsetMs += 31 * 60_000;
    await advanceEnrolment(scope(), run.id, services);
    const done = await until(
      'early done',
      runOf('onboarding', 'early', (r) => r.status === 'completed'),
    );
    expect(done).toMatchObject({ version: 1 });
    expect(done.steps.map((s) => s.path)).toEqual(['0', '1', '1.then.0']);
    expect((await tasks()).map((t) => t.title)).not.toContain('v2 task');
  });

  it('stops enrolments before their next step when the playbook is disabled', async () => {
    await identify({ plan: 'trial', seats: 9 }, { userId: 'late' });
    const run = await until(
      'late enrolled',
      runOf('onboarding', 'late', () => true),
    );
    const disabled = await api('PUT', '/api/v1/playbooks/onboarding', { ...onboarding, enabled: false });
    expect(disabled.statusCode).toBe(200);
    offsetMs += 31 * 60_000;
    await advanceEnrolment(scope(), run.id, services);
    const stopped = await until(
      'late stopped',
      runOf('onboarding', 'late', (r) => r.status === 'stopped'),
    );
    expect(stopped.steps).toEqual([]);
  });

  it('dead-letters a run whose step keeps failing, lists it as failed and retries it', async () => {
    await api('PUT', '/api/v1/playbooks/tag-pro', {
      name: 'Tag pro customers',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'payers' },
      steps: [{ type: 'set-trait', trait: 'tagged', value: 'yes' }],
    });
    // Known only anonymously: no userId to write the trait for.
    await identify({ plan: 'pro' }, { anonymousId: 'anon-1' });
    const failedRun = async () => (await runs('tag-pro', '?status=failed'))[0];
    const run = await until('the anonymous enrolment', async () => (await runs('tag-pro')).find((r) => r.userId === null));
    const context = {
      db: database.db,
      now,
      attempt: enrolmentAttempts,
      maxAttempts: enrolmentAttempts,
      lastAttempt: true,
      log: () => undefined,
      services,
    };
    await advanceEnrolmentTask.run({ workspaceId: ws.workspace.id, enrolmentId: run.id }, context);
    const failed = await until('the failed run', failedRun);
    expect(failed).toMatchObject({ id: run.id, nextStep: '0' });
    expect(failed.error).toContain('userId');
    const retried = await api('POST', `/api/v1/playbooks/tag-pro/runs/${run.id}/retry`);
    expect(retried.statusCode, retried.body).toBe(202);
    expect(retried.json()).toMatchObject({ status: 'active', error: null });
    const again = await api('POST', `/api/v1/playbooks/tag-pro/runs/${run.id}/retry`);
    expect(again.statusCode).toBe(409);
  });

  it('enrolls only people the filter holds for, and again only after reenrollAfterDays', async () => {
    const trialists = { on: 'segment-entered', segment: 'trialists' };
    await api('PUT', '/api/v1/playbooks/big-trials', {
      name: 'Big trials',
      enabled: true,
      trigger: trialists,
      filter: 'seats >= 50',
      steps: [{ type: 'task', title: 'Big trial again' }],
      reenrollAfterDays: 10,
    });
    // Enrolls on every entry and ends at once: its runs count the entries the subscriber handled.
    await api('PUT', '/api/v1/playbooks/entries', {
      name: 'Entries',
      enabled: true,
      trigger: trialists,
      steps: [{ type: 'exit-when', if: 'seats >= 0' }],
      reenrollAfterDays: 0,
    });
    // The exit must be evaluated before the entry is sent: evaluated together, they are no change.
    const leaveAndEnterAgain = async (userId: string) => {
      await identify({ plan: 'free' }, { userId });
      await until(`${userId} out of trialists`, async () => {
        const segments = (await api('GET', `/api/v1/people/${userId}/segments`)).json<Array<{ key: string }>>();
        return segments.some((s) => s.key === 'trialists') ? undefined : true;
      });
      await identify({ plan: 'trial' }, { userId });
    };
    const entriesHandled = (userId: string, n: number) =>
      until(`${userId}'s entry ${n}`, async () => ((await runs('entries', `?personId=${userId}`)).length >= n ? true : undefined));
    await identify({ plan: 'trial', seats: 2 }, { userId: 'tiny' });
    await identify({ plan: 'trial', seats: 80 }, { userId: 'huge' });
    await entriesHandled('tiny', 1);
    await entriesHandled('huge', 1);
    // Out and in again within ten days: not enrolled again.
    await leaveAndEnterAgain('huge');
    await entriesHandled('huge', 2);
    expect(await runs('big-trials', '?personId=huge')).toHaveLength(1);
    // After ten days: enrolled again.
    offsetMs += 11 * 86_400_000;
    await leaveAndEnterAgain('huge');
    await entriesHandled('huge', 3);
    expect(await runs('big-trials', '?personId=huge')).toHaveLength(2);
    expect(await runs('big-trials', '?personId=tiny')).toEqual([]);
  });

  it("enrolls an account's people the filter picks when the account enters a segment", async () => {
    const saved = await api('PUT', '/api/v1/playbooks/strategic-admins', {
      name: 'Strategic account admins',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'strategic' },
      filter: 'role = "admin"',
      steps: [{ type: 'task', title: 'Introduce the account team' }],
    });
    expect(saved.statusCode, saved.body).toBe(201);
    await identify({ role: 'admin' }, { userId: 'acme-admin' });
    await identify({ role: 'member' }, { userId: 'acme-member' });
    await group('acme', { tier: 'standard' }, 'acme-admin');
    await group('acme', { tier: 'standard' }, 'acme-member');
    await group('acme', { tier: 'strategic' }, 'acme-admin');
    const run = await until(
      'the admin enrolled',
      runOf('strategic-admins', 'acme-admin', (r) => r.status === 'completed'),
    );
    expect(run).toMatchObject({ cause: { trigger: 'segment-entered', segment: 'strategic', groupId: 'acme' } });
    expect(await runs('strategic-admins', '?personId=acme-member')).toEqual([]);
  });

  it("waits until a time of day in the customer's own timezone", async () => {
    expect((await api('POST', '/api/v1/segments', { key: 'owls', name: 'Owls', target: 'person', rule: 'plan = "owl"' })).statusCode).toBe(
      201,
    );
    await api('PUT', '/api/v1/playbooks/morning', {
      name: 'Morning follow-up',
      enabled: true,
      trigger: { on: 'segment-entered', segment: 'owls' },
      steps: [
        { type: 'wait', hours: 1, until: '09:00' },
        { type: 'task', title: 'Morning call' },
      ],
    });
    await identify({ plan: 'owl', timezone: 'America/New_York' }, { userId: 'owl' });
    const waiting = await until(
      'owl enrolled',
      runOf('morning', 'owl', () => true),
    );
    await advanceEnrolment(scope(), waiting.id, services);
    expect((await runs('morning', '?personId=owl'))[0]).toMatchObject({ status: 'active', nextStep: '0', steps: [] });
    offsetMs += 26 * 3_600_000;
    await advanceEnrolment(scope(), waiting.id, services);
    const done = await until(
      'owl done',
      runOf('morning', 'owl', (r) => r.status === 'completed'),
    );
    const waited = new Date((done.steps[0]!.detail as { until: string }).until);
    const newYork = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' });
    expect(newYork.format(waited)).toBe('09:00');
    const afterHour = waited.getTime() - new Date(done.startedAt).getTime();
    expect(afterHour).toBeGreaterThanOrEqual(3_600_000);
    expect(afterHour).toBeLessThanOrEqual(25 * 3_600_000);
  });

  it("lists a person's runs and completes a task", async () => {
    const mine = await api('GET', '/api/v1/people/big/playbooks');
    expect(mine.json<Run[]>().map((r) => r.status)).toEqual(['completed']);
    const open = await tasks('?assignee=csm@example.com&status=open');
    expect(open).toHaveLength(2);
    const done = await api('PATCH', `/api/v1/tasks/${open[0]!.id}`, { status: 'done' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done' });
    expect((await tasks('?assignee=csm@example.com&status=open')).map((t) => t.id)).toEqual([open[1]!.id]);
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('strata_playbook_runs{status="failed"} 0');
    expect(metrics.body).toContain('strata_playbook_steps_total{type="webhook",outcome="delivered"} 2');
    expect(metrics.body).toMatch(/strata_playbook_runs\{status="completed"\} [1-9]/);
    expect((await api('DELETE', '/api/v1/playbooks/tag-pro')).statusCode).toBe(204);
    expect((await api('GET', '/api/v1/playbooks/tag-pro/runs')).statusCode).toBe(404);
  });
});
